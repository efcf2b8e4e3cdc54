"""Identity providers that roles can trust: OpenID Connect providers (URL, client ids,
thumbprints) and SAML providers (metadata document, whose entityID STS checks assertions
against)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.iam import store
from fogbank.services.iam.entities import drop_tags, merge_tags
from fogbank.services.iam.errors import (
    EntityAlreadyExistsException,
    InvalidInputException,
    LimitExceededException,
    NoSuchEntityException,
)
from fogbank.services.iam.paging import page

MAX_CLIENT_IDS = 100
MAX_THUMBPRINTS = 5
_MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata"


def _metadata(document: str) -> tuple[str, float | None]:
    """The entityID and validUntil of a SAML metadata document (InvalidInput when it is not one)."""
    try:
        root = ET.fromstring(document)
    except ET.ParseError:
        raise InvalidInputException("Could not parse metadata") from None
    if root.tag != f"{{{_MD_NS}}}EntityDescriptor":
        found = root.find(f".//{{{_MD_NS}}}EntityDescriptor")
        if found is None:
            raise InvalidInputException("Could not parse metadata")
        root = found
    valid_until = root.get("validUntil")
    try:
        until = datetime.fromisoformat(valid_until.replace("Z", "+00:00")).timestamp() if valid_until else None
    except ValueError:
        until = None
    return root.get("entityID", ""), until


class Federation:
    """OIDC and SAML provider operations."""

    # --- OpenID Connect ------------------------------------------------------------------------

    def _oidc(self, reader: Any, ctx: Ctx, arn: str) -> dict[str, Any]:
        record = store.load(reader, ctx.account, "oidc", arn)
        if record is None:
            raise NoSuchEntityException(f"OpenIDConnect Provider not found for arn {arn}")
        return record

    def create_open_id_connect_provider(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Register an OIDC issuer that roles can trust (ARN from its URL's host and path)."""
        url = request["Url"]
        if not url.startswith("https://"):
            raise InvalidInputException("Invalid Open ID Connect Provider URL")
        host = url.removeprefix("https://").rstrip("/")
        arn = f"arn:aws:iam::{ctx.account}:oidc-provider/{host}"
        clients = list(dict.fromkeys(request.get("ClientIDList") or []))
        thumbprints = list(request.get("ThumbprintList") or [])
        if len(thumbprints) > MAX_THUMBPRINTS:
            raise LimitExceededException(f"Thumbprint list must contain fewer than {MAX_THUMBPRINTS + 1} entries")
        with ctx.store.transaction() as txn:
            if store.load(txn, ctx.account, "oidc", arn) is not None:
                raise EntityAlreadyExistsException(f"Provider with url {url} already exists.")
            record: dict[str, Any] = {"Arn": arn, "Url": host, "ClientIDList": clients,
                                      "ThumbprintList": thumbprints, "CreateDate": ctx.clock.now(), "Tags": []}
            if request.get("Tags"):
                merge_tags(record, request["Tags"], "TagsPerOpenIDConnectProvider")
            store.save(txn, ctx.account, "oidc", arn, record)
        out: dict[str, Any] = {"OpenIDConnectProviderArn": arn}
        if record["Tags"]:
            out["Tags"] = record["Tags"]
        return out

    def get_open_id_connect_provider(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """An OIDC provider's URL, client ids and thumbprints."""
        return store.public(self._oidc(ctx.store, ctx, request["OpenIDConnectProviderArn"]), drop=("Arn",))

    def delete_open_id_connect_provider(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Remove an OIDC provider."""
        with ctx.store.transaction() as txn:
            record = self._oidc(txn, ctx, request["OpenIDConnectProviderArn"])
            store.remove(txn, ctx.account, "oidc", record["Arn"])
        return {}

    def list_open_id_connect_providers(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The ARNs of the account's OIDC providers."""
        return {"OpenIDConnectProviderList": [{"Arn": r["Arn"]}
                                              for r in store.records(ctx.store, ctx.account, "oidc")]}

    def _change_oidc(self, ctx: Ctx, arn: str, change: Any) -> None:
        with ctx.store.transaction() as txn:
            record = self._oidc(txn, ctx, arn)
            change(record)
            store.save(txn, ctx.account, "oidc", arn, record)

    def add_client_id_to_open_id_connect_provider(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Accept tokens for another audience."""
        def add(record: dict[str, Any]) -> None:
            if request["ClientID"] not in record["ClientIDList"]:
                if len(record["ClientIDList"]) >= MAX_CLIENT_IDS:
                    raise LimitExceededException(f"Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: "
                                                 f"{MAX_CLIENT_IDS}")
                record["ClientIDList"].append(request["ClientID"])
        self._change_oidc(ctx, request["OpenIDConnectProviderArn"], add)
        return {}

    def remove_client_id_from_open_id_connect_provider(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Stop accepting tokens for an audience."""
        def remove(record: dict[str, Any]) -> None:
            record["ClientIDList"] = [c for c in record["ClientIDList"] if c != request["ClientID"]]
        self._change_oidc(ctx, request["OpenIDConnectProviderArn"], remove)
        return {}

    def update_open_id_connect_provider_thumbprint(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Replace an OIDC provider's certificate thumbprints."""
        if len(request["ThumbprintList"]) > MAX_THUMBPRINTS:
            raise LimitExceededException(f"Thumbprint list must contain fewer than {MAX_THUMBPRINTS + 1} entries")
        self._change_oidc(ctx, request["OpenIDConnectProviderArn"],
                          lambda r: r.update(ThumbprintList=list(request["ThumbprintList"])))
        return {}

    def tag_open_id_connect_provider(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Add or replace tags on an OIDC provider."""
        self._change_oidc(ctx, request["OpenIDConnectProviderArn"],
                          lambda r: merge_tags(r, request["Tags"], "TagsPerOpenIDConnectProvider"))
        return {}

    def untag_open_id_connect_provider(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Remove tags from an OIDC provider."""
        self._change_oidc(ctx, request["OpenIDConnectProviderArn"], lambda r: drop_tags(r, request["TagKeys"]))
        return {}

    def list_open_id_connect_provider_tags(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """An OIDC provider's tags."""
        record = self._oidc(ctx.store, ctx, request["OpenIDConnectProviderArn"])
        return page(record.get("Tags") or [], request, lambda t: t["Key"].lower(), "Tags")

    # --- SAML ------------------------------------------------------------------------------------

    def _saml(self, reader: Any, ctx: Ctx, arn: str) -> dict[str, Any]:
        record = store.load(reader, ctx.account, "saml", arn)
        if record is None:
            raise NoSuchEntityException(f"Manifest not found for arn {arn}")
        return record

    def create_saml_provider(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Register a SAML identity provider from its metadata document."""
        entity_id, valid_until = _metadata(request["SAMLMetadataDocument"])
        arn = f"arn:aws:iam::{ctx.account}:saml-provider/{request['Name']}"
        with ctx.store.transaction() as txn:
            if store.load(txn, ctx.account, "saml", arn) is not None:
                raise EntityAlreadyExistsException(f"SAMLProvider {request['Name']} already exists")
            record: dict[str, Any] = {"Arn": arn, "SAMLMetadataDocument": request["SAMLMetadataDocument"],
                                      "CreateDate": ctx.clock.now(), "ValidUntil": valid_until, "Tags": [],
                                      "_entity_id": entity_id}
            if request.get("Tags"):
                merge_tags(record, request["Tags"], "TagsPerSAMLProvider")
            store.save(txn, ctx.account, "saml", arn, record)
        out: dict[str, Any] = {"SAMLProviderArn": arn}
        if record["Tags"]:
            out["Tags"] = record["Tags"]
        return out

    def get_saml_provider(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A SAML provider's metadata."""
        out = store.public(self._saml(ctx.store, ctx, request["SAMLProviderArn"]), drop=("Arn",))
        if out.get("ValidUntil") is not None:
            out["ValidUntil"] = store.when(out["ValidUntil"])
        return out

    def update_saml_provider(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Replace a SAML provider's metadata."""
        arn = request["SAMLProviderArn"]
        with ctx.store.transaction() as txn:
            record = self._saml(txn, ctx, arn)
            if request.get("SAMLMetadataDocument"):
                entity_id, valid_until = _metadata(request["SAMLMetadataDocument"])
                record.update(SAMLMetadataDocument=request["SAMLMetadataDocument"], ValidUntil=valid_until,
                              _entity_id=entity_id)
            store.save(txn, ctx.account, "saml", arn, record)
        return {"SAMLProviderArn": arn}

    def delete_saml_provider(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Remove a SAML provider."""
        with ctx.store.transaction() as txn:
            record = self._saml(txn, ctx, request["SAMLProviderArn"])
            store.remove(txn, ctx.account, "saml", record["Arn"])
        return {}

    def list_saml_providers(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The account's SAML providers."""
        rows = []
        for r in store.records(ctx.store, ctx.account, "saml"):
            row = {"Arn": r["Arn"], "CreateDate": store.when(r["CreateDate"])}
            if r.get("ValidUntil") is not None:
                row["ValidUntil"] = store.when(r["ValidUntil"])
            rows.append(row)
        return {"SAMLProviderList": rows}

    def tag_saml_provider(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Add or replace tags on a SAML provider."""
        with ctx.store.transaction() as txn:
            record = self._saml(txn, ctx, request["SAMLProviderArn"])
            merge_tags(record, request["Tags"], "TagsPerSAMLProvider")
            store.save(txn, ctx.account, "saml", record["Arn"], record)
        return {}

    def untag_saml_provider(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Remove tags from a SAML provider."""
        with ctx.store.transaction() as txn:
            record = self._saml(txn, ctx, request["SAMLProviderArn"])
            drop_tags(record, request["TagKeys"])
            store.save(txn, ctx.account, "saml", record["Arn"], record)
        return {}

    def list_saml_provider_tags(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A SAML provider's tags."""
        record = self._saml(ctx.store, ctx, request["SAMLProviderArn"])
        return page(record.get("Tags") or [], request, lambda t: t["Key"].lower(), "Tags")
