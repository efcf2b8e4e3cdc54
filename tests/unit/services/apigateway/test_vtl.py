"""The mapping template engine: $input, $util, $context, $stageVariables and the directives."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from fogbank.services.apigateway.vtl import render
from fogbank.services.apigateway.vtl.util import Util


def test_input_json_path_and_params() -> None:
    body = json.dumps({"a": {"b": [1, 2, 3]}, "name": "x"})
    out = render('{"b": $input.json(\'$.a.b\'), "first": $input.path(\'$.a.b[0]\'), "n": $input.path(\'$.a.b\').size(),'
                 ' "q": "$input.params(\'q\')", "h": "$input.params(\'X-Id\')", "p": "$input.params().path.id"}',
                 body=body, params={"querystring": {"q": "1"}, "header": {"X-Id": "h1"}, "path": {"id": "p1"}})
    assert json.loads(out) == {"b": [1, 2, 3], "first": 1, "n": 3, "q": "1", "h": "h1", "p": "p1"}


def test_directives_and_missing_values() -> None:
    template = """#set($items = $input.path('$.items'))
[#foreach($i in $items){"v": $i.v#if($i.flag), "flag": true#end}#if($foreach.hasNext),#end#end]"""
    out = render(template, body=json.dumps({"items": [{"v": 1, "flag": True}, {"v": 2}]}))
    assert json.loads(out) == [{"v": 1, "flag": True}, {"v": 2}]
    assert render("#if($input.path('$.missing'))yes#{else}no#end", body="{}") == "no"
    assert render("$input.json('$.missing')", body="{}") == "null"
    assert render("$input.body", body="raw text") == "raw text"


def test_context_and_stage_variables() -> None:
    out = render('$context.requestId $context.identity.sourceIp $stageVariables.env $context.authorizer.principalId',
                 context={"requestId": "r", "identity": {"sourceIp": "1.2.3.4"}, "authorizer": {"principalId": "me"}},
                 stage_variables={"env": "dev"})
    assert out == "r 1.2.3.4 dev me"


def test_util_functions() -> None:
    out = render('$util.escapeJavaScript($input.path(\'$.s\'))|$util.urlEncode("a b&c")|$util.base64Encode("hi")'
                 '|$util.base64Decode("aGk=")|$util.parseJson(\'{"k": 5}\').k', body=json.dumps({"s": "it's \"q\""}))
    assert out == "it\\'s \\\"q\\\"|a+b%26c|aGk=|hi|5"


@given(st.text())
def test_escape_javascript_round_trips_through_json(text: str) -> None:
    escaped = Util().escapeJavaScript(text).replace("\\'", "'").replace("\\/", "/")
    if all(ord(c) <= 0xFFFF for c in text):
        assert json.loads('"' + escaped + '"') == text
