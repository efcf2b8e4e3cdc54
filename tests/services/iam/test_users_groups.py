"""IAM users and groups through boto3: ids, ARNs with paths, tags, membership, pagination, errors."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def error_of(info: pytest.ExceptionInfo) -> tuple[str, int, str]:
    err = info.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Message"]


def test_create_get_user_with_path_and_tags(iam) -> None:
    user = iam.create_user(UserName="alice", Path="/dev/", Tags=[{"Key": "team", "Value": "core"}])["User"]
    assert user["UserId"].startswith("AIDA") and len(user["UserId"]) == 21
    assert user["Arn"] == "arn:aws:iam::000000000000:user/dev/alice"
    assert user["Tags"] == [{"Key": "team", "Value": "core"}]
    got = iam.get_user(UserName="ALICE")["User"]  # names are case-insensitive
    assert got["UserId"] == user["UserId"] and got["UserName"] == "alice"
    assert got["CreateDate"] == user["CreateDate"]


def test_account_of_twelve_digit_key_is_separate(aws) -> None:
    aws("iam", account="111111111111").create_user(UserName="bob")
    assert aws("iam", account="222222222222").list_users()["Users"] == []
    arn = aws("iam", account="111111111111").get_user(UserName="bob")["User"]["Arn"]
    assert arn == "arn:aws:iam::111111111111:user/bob"


def test_duplicate_user_is_entity_already_exists(iam) -> None:
    iam.create_user(UserName="alice")
    with pytest.raises(ClientError) as info:
        iam.create_user(UserName="Alice")
    assert error_of(info) == ("EntityAlreadyExists", 409, "User with name Alice already exists.")


def test_missing_user_is_no_such_entity(iam) -> None:
    with pytest.raises(ClientError) as info:
        iam.get_user(UserName="ghost")
    assert error_of(info) == ("NoSuchEntity", 404, "The user with name ghost cannot be found.")
    with pytest.raises(ClientError) as info:
        iam.delete_user(UserName="ghost")
    assert error_of(info)[0] == "NoSuchEntity"


def test_invalid_path_is_validation_error(iam) -> None:
    with pytest.raises(ClientError) as info:
        iam.create_user(UserName="alice", Path="no-slashes")
    assert error_of(info)[:2] == ("ValidationError", 400)
    assert iam.list_users()["Users"] == []


def test_update_user_renames_and_moves(iam) -> None:
    iam.create_user(UserName="alice")
    iam.update_user(UserName="alice", NewUserName="alicia", NewPath="/ops/")
    user = iam.get_user(UserName="alicia")["User"]
    assert user["Arn"] == "arn:aws:iam::000000000000:user/ops/alicia"
    with pytest.raises(ClientError):
        iam.get_user(UserName="alice")


def test_list_users_paginates_with_marker(iam) -> None:
    for i in range(7):
        iam.create_user(UserName=f"user{i}", Path="/a/" if i % 2 else "/")
    first = iam.list_users(MaxItems=3)
    assert first["IsTruncated"] and first["Marker"]
    assert [u["UserName"] for u in first["Users"]] == ["user0", "user1", "user2"]
    second = iam.list_users(MaxItems=3, Marker=first["Marker"])
    assert [u["UserName"] for u in second["Users"]] == ["user3", "user4", "user5"]
    names = [u["UserName"] for page in iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 2})
             for u in page["Users"]]
    assert names == [f"user{i}" for i in range(7)]
    assert [u["UserName"] for u in iam.list_users(PathPrefix="/a/")["Users"]] == ["user1", "user3", "user5"]


def test_user_tags(iam) -> None:
    iam.create_user(UserName="alice")
    iam.tag_user(UserName="alice", Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    iam.tag_user(UserName="alice", Tags=[{"Key": "A", "Value": "3"}])
    assert iam.list_user_tags(UserName="alice")["Tags"] == [{"Key": "A", "Value": "3"}, {"Key": "b", "Value": "2"}]
    iam.untag_user(UserName="alice", TagKeys=["b"])
    assert iam.list_user_tags(UserName="alice")["Tags"] == [{"Key": "A", "Value": "3"}]
    with pytest.raises(ClientError) as info:
        iam.tag_user(UserName="alice", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert error_of(info)[:2] == ("LimitExceeded", 409)
    assert len(iam.list_user_tags(UserName="alice")["Tags"]) == 1


def test_groups_and_membership(iam) -> None:
    group = iam.create_group(GroupName="devs", Path="/eng/")["Group"]
    assert group["GroupId"].startswith("AGPA") and group["Arn"] == "arn:aws:iam::000000000000:group/eng/devs"
    iam.create_user(UserName="alice")
    iam.create_user(UserName="bob")
    iam.add_user_to_group(GroupName="devs", UserName="alice")
    iam.add_user_to_group(GroupName="devs", UserName="bob")
    got = iam.get_group(GroupName="devs")
    assert [u["UserName"] for u in got["Users"]] == ["alice", "bob"]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="alice")["Groups"]] == ["devs"]
    with pytest.raises(ClientError) as info:
        iam.delete_group(GroupName="devs")
    assert error_of(info) == ("DeleteConflict", 409, "Cannot delete entity, must remove users from group first.")
    with pytest.raises(ClientError) as info:
        iam.delete_user(UserName="alice")
    assert error_of(info)[0] == "DeleteConflict"
    iam.remove_user_from_group(GroupName="devs", UserName="alice")
    iam.remove_user_from_group(GroupName="devs", UserName="bob")
    iam.delete_group(GroupName="devs")
    iam.delete_user(UserName="alice")
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["bob"]


def test_group_rename_keeps_members(iam) -> None:
    iam.create_group(GroupName="devs")
    iam.create_user(UserName="alice")
    iam.add_user_to_group(GroupName="devs", UserName="alice")
    iam.update_group(GroupName="devs", NewGroupName="builders")
    assert [u["UserName"] for u in iam.get_group(GroupName="builders")["Users"]] == ["alice"]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="alice")["Groups"]] == ["builders"]


def test_groups_per_user_limit(iam) -> None:
    iam.create_user(UserName="alice")
    for i in range(11):
        iam.create_group(GroupName=f"g{i}")
    for i in range(10):
        iam.add_user_to_group(GroupName=f"g{i}", UserName="alice")
    with pytest.raises(ClientError) as info:
        iam.add_user_to_group(GroupName="g10", UserName="alice")
    assert error_of(info)[:2] == ("LimitExceeded", 409)
    assert len(iam.list_groups_for_user(UserName="alice")["Groups"]) == 10


def test_delete_user_with_inline_policy_conflicts(iam) -> None:
    iam.create_user(UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="p",
                        PolicyDocument='{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}')
    with pytest.raises(ClientError) as info:
        iam.delete_user(UserName="alice")
    assert error_of(info) == ("DeleteConflict", 409, "Cannot delete entity, must delete policies first.")
    iam.delete_user_policy(UserName="alice", PolicyName="p")
    iam.delete_user(UserName="alice")
