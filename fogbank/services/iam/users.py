"""IAM users, groups and group membership, with their tags."""

from __future__ import annotations

from typing import Any

from fogbank.context import Ctx
from fogbank.services.iam import ids, store
from fogbank.services.iam.credentials import refresh_user_keys
from fogbank.services.iam.entities import drop_tags, merge_tags, require
from fogbank.services.iam.errors import (
    DeleteConflictException,
    LimitExceededException,
    already_exists,
    validation,
)
from fogbank.services.iam.paging import page

MAX_USERS = 5000
MAX_GROUPS = 300
MAX_GROUPS_PER_USER = 10


def user_view(record: dict[str, Any]) -> dict[str, Any]:
    """A user record in the ``User`` shape."""
    out = store.public(record)
    if record.get("PermissionsBoundary"):
        out["PermissionsBoundary"] = record["PermissionsBoundary"]
    return out


def _listed_user(record: dict[str, Any]) -> dict[str, Any]:
    # ListUsers leaves tags and boundaries out, as AWS does
    return store.public(record, drop=("Tags", "PermissionsBoundary"))


def group_view(record: dict[str, Any]) -> dict[str, Any]:
    """A group record in the ``Group`` shape."""
    return store.public(record)


def _by_path(records: list[dict[str, Any]], prefix: str | None) -> list[dict[str, Any]]:
    return [r for r in records if r["Path"].startswith(prefix or "/")]


class Users:
    """User and group operations."""

    # --- users ---------------------------------------------------------------------------------

    def create_user(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A new user with an AIDA id and an ARN that carries its path."""
        name = request["UserName"]
        path = request.get("Path") or "/"
        with ctx.store.transaction() as txn:
            if store.load(txn, ctx.account, "user", name) is not None:
                raise already_exists("User", name)
            if txn.count(store.prefix(ctx.account, "user")) >= MAX_USERS:
                raise LimitExceededException(f"Cannot exceed quota for UsersPerAccount: {MAX_USERS}.")
            record: dict[str, Any] = {
                "Path": path, "UserName": name, "UserId": ids.unique_id(ids.USER),
                "Arn": ids.arn(ctx.account, "user", path, name), "CreateDate": ctx.clock.now(),
                "Tags": [], "_inline": {}, "_attached": [], "_groups": [],
            }
            if request.get("Tags"):
                merge_tags(record, request["Tags"], "TagsPerUser")
            if request.get("PermissionsBoundary"):
                record["PermissionsBoundary"] = self._boundary(ctx, txn, request["PermissionsBoundary"])
            store.save(txn, ctx.account, "user", name, record)
        return {"User": user_view(record)}

    def get_user(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A user, or the caller itself when no name is given."""
        name = request.get("UserName")
        if not name:
            principal = ctx.principal
            arn = principal.arn if principal else f"arn:aws:iam::{ctx.account}:root"
            if arn.endswith(":root"):
                return {"User": {"UserId": ctx.account, "Arn": arn, "CreateDate": store.when(0)}}
            if ":user/" not in arn:
                raise validation("Must specify userName when calling with non-User credentials")
            name = arn.rsplit("/", 1)[1]
        return {"User": user_view(require(ctx.store, ctx, "user", name))}

    def update_user(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Rename a user or change its path (its id stays)."""
        name = request["UserName"]
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, "user", name)
            new_name = request.get("NewUserName") or record["UserName"]
            new_path = request.get("NewPath") or record["Path"]
            if new_name.lower() != name.lower() and store.load(txn, ctx.account, "user", new_name) is not None:
                raise already_exists("User", new_name)
            store.remove(txn, ctx.account, "user", name)
            record.update(UserName=new_name, Path=new_path, Arn=ids.arn(ctx.account, "user", new_path, new_name))
            store.save(txn, ctx.account, "user", new_name, record)
            self._rename_user_refs(ctx, txn, name, new_name)
            refresh_user_keys(txn, ctx.account, record)
        return {}

    def _rename_user_refs(self, ctx: Ctx, txn: Any, old: str, new: str) -> None:
        for kind in _ID_FIELD:
            for item in list(store.records(txn, ctx.account, kind)):
                if (item.get("UserName") or "").lower() == old.lower():
                    item["UserName"] = new
                    store.save(txn, ctx.account, kind, item[_ID_FIELD[kind]], item)
        login = store.load(txn, ctx.account, "login", old)
        if login is not None:
            store.remove(txn, ctx.account, "login", old)
            login["UserName"] = new
            store.save(txn, ctx.account, "login", new, login)

    def delete_user(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Delete a user that has nothing left attached (else DeleteConflict, as AWS)."""
        name = request["UserName"]
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, "user", name)
            owned = lambda kind: any(  # noqa: E731
                (r.get("UserName") or "").lower() == name.lower() for r in store.records(txn, ctx.account, kind))
            if store.load(txn, ctx.account, "login", name) is not None:
                raise DeleteConflictException("Cannot delete entity, must delete login profile first.")
            if owned("key"):
                raise DeleteConflictException("Cannot delete entity, must delete access keys first.")
            if owned("mfa"):
                raise DeleteConflictException("Cannot delete entity, must delete MFA device first.")
            if owned("ssc"):
                raise DeleteConflictException("Cannot delete entity, must delete service specific credentials first.")
            if owned("ssh"):
                raise DeleteConflictException("Cannot delete entity, must delete SSH public keys first.")
            if owned("signcert"):
                raise DeleteConflictException("Cannot delete entity, must delete signing certificates first.")
            if record["_attached"]:
                raise DeleteConflictException("Cannot delete entity, must detach all policies first.")
            if record["_inline"]:
                raise DeleteConflictException("Cannot delete entity, must delete policies first.")
            if record["_groups"]:
                raise DeleteConflictException("Cannot delete entity, must remove users from group first.")
            store.remove(txn, ctx.account, "user", name)
        return {}

    def list_users(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Users under a path prefix, a page at a time."""
        users = _by_path(list(store.records(ctx.store, ctx.account, "user")), request.get("PathPrefix"))
        out = page(users, request, lambda r: r["UserName"].lower(), "Users")
        out["Users"] = [_listed_user(r) for r in out["Users"]]
        return out

    def tag_user(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Add or replace tags on a user."""
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, "user", request["UserName"])
            merge_tags(record, request["Tags"], "TagsPerUser")
            store.save(txn, ctx.account, "user", record["UserName"], record)
        return {}

    def untag_user(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Remove tags from a user."""
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, "user", request["UserName"])
            drop_tags(record, request["TagKeys"])
            store.save(txn, ctx.account, "user", record["UserName"], record)
        return {}

    def list_user_tags(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A user's tags, a page at a time."""
        record = require(ctx.store, ctx, "user", request["UserName"])
        return page(record.get("Tags") or [], request, lambda t: t["Key"].lower(), "Tags")

    # --- groups --------------------------------------------------------------------------------

    def create_group(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A new group with an AGPA id."""
        name = request["GroupName"]
        path = request.get("Path") or "/"
        with ctx.store.transaction() as txn:
            if store.load(txn, ctx.account, "group", name) is not None:
                raise already_exists("Group", name)
            if txn.count(store.prefix(ctx.account, "group")) >= MAX_GROUPS:
                raise LimitExceededException(f"Cannot exceed quota for GroupsPerAccount: {MAX_GROUPS}.")
            record = {"Path": path, "GroupName": name, "GroupId": ids.unique_id(ids.GROUP),
                      "Arn": ids.arn(ctx.account, "group", path, name), "CreateDate": ctx.clock.now(),
                      "_inline": {}, "_attached": []}
            store.save(txn, ctx.account, "group", name, record)
        return {"Group": group_view(record)}

    def get_group(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A group and its users, a page at a time."""
        record = require(ctx.store, ctx, "group", request["GroupName"])
        members = [u for u in store.records(ctx.store, ctx.account, "user")
                   if record["GroupName"].lower() in (g.lower() for g in u["_groups"])]
        out = page(members, request, lambda r: r["UserName"].lower(), "Users")
        out["Users"] = [_listed_user(r) for r in out["Users"]]
        out["Group"] = group_view(record)
        return out

    def update_group(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Rename a group or change its path; members follow."""
        name = request["GroupName"]
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, "group", name)
            new_name = request.get("NewGroupName") or record["GroupName"]
            new_path = request.get("NewPath") or record["Path"]
            if new_name.lower() != name.lower() and store.load(txn, ctx.account, "group", new_name) is not None:
                raise already_exists("Group", new_name)
            store.remove(txn, ctx.account, "group", name)
            record.update(GroupName=new_name, Path=new_path, Arn=ids.arn(ctx.account, "group", new_path, new_name))
            store.save(txn, ctx.account, "group", new_name, record)
            for user in list(store.records(txn, ctx.account, "user")):
                if name.lower() in (g.lower() for g in user["_groups"]):
                    user["_groups"] = [new_name if g.lower() == name.lower() else g for g in user["_groups"]]
                    store.save(txn, ctx.account, "user", user["UserName"], user)
        return {}

    def delete_group(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Delete an empty group with no policies (else DeleteConflict)."""
        name = request["GroupName"]
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, "group", name)
            if any(name.lower() in (g.lower() for g in u["_groups"]) for u in store.records(txn, ctx.account, "user")):
                raise DeleteConflictException("Cannot delete entity, must remove users from group first.")
            if record["_attached"]:
                raise DeleteConflictException("Cannot delete entity, must detach all policies first.")
            if record["_inline"]:
                raise DeleteConflictException("Cannot delete entity, must delete policies first.")
            store.remove(txn, ctx.account, "group", name)
        return {}

    def list_groups(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Groups under a path prefix, a page at a time."""
        groups = _by_path(list(store.records(ctx.store, ctx.account, "group")), request.get("PathPrefix"))
        out = page(groups, request, lambda r: r["GroupName"].lower(), "Groups")
        out["Groups"] = [group_view(r) for r in out["Groups"]]
        return out

    def add_user_to_group(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Make a user a member of a group (at most 10 groups per user)."""
        with ctx.store.transaction() as txn:
            group = require(txn, ctx, "group", request["GroupName"])
            user = require(txn, ctx, "user", request["UserName"])
            if group["GroupName"].lower() not in (g.lower() for g in user["_groups"]):
                if len(user["_groups"]) >= MAX_GROUPS_PER_USER:
                    raise LimitExceededException(f"Cannot exceed quota for GroupsPerUser: {MAX_GROUPS_PER_USER}.")
                user["_groups"].append(group["GroupName"])
                store.save(txn, ctx.account, "user", user["UserName"], user)
        return {}

    def remove_user_from_group(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """End a user's membership of a group."""
        with ctx.store.transaction() as txn:
            group = require(txn, ctx, "group", request["GroupName"])
            user = require(txn, ctx, "user", request["UserName"])
            user["_groups"] = [g for g in user["_groups"] if g.lower() != group["GroupName"].lower()]
            store.save(txn, ctx.account, "user", user["UserName"], user)
        return {}

    def list_groups_for_user(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The groups a user belongs to, a page at a time."""
        user = require(ctx.store, ctx, "user", request["UserName"])
        groups = [g for g in (store.load(ctx.store, ctx.account, "group", n) for n in user["_groups"]) if g]
        out = page(groups, request, lambda r: r["GroupName"].lower(), "Groups")
        out["Groups"] = [group_view(r) for r in out["Groups"]]
        return out


_ID_FIELD = {"key": "AccessKeyId", "mfa": "SerialNumber", "ssc": "ServiceSpecificCredentialId",
             "ssh": "SSHPublicKeyId", "signcert": "CertificateId"}
