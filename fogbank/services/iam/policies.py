"""Managed policies (versions, default version, tags), attaching them to users, groups and roles,
inline policies, and permissions boundaries.

Policy documents leave IAM URL-encoded, as AWS sends them (boto3 decodes them back to dicts).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import quote

from fogbank.context import Ctx
from fogbank.services.iam import builtin, ids, store
from fogbank.services.iam.entities import check_document, drop_tags, merge_tags, policy_size, require
from fogbank.services.iam.errors import (
    DeleteConflictException,
    EntityAlreadyExistsException,
    InvalidInputException,
    LimitExceededException,
    NoSuchEntityException,
)
from fogbank.services.iam.paging import page

MAX_VERSIONS = 5
MAX_MANAGED_PER_ENTITY = 10
MAX_POLICIES = 1500
MANAGED_SIZE = 6144
INLINE_SIZE = {"user": 2048, "group": 5120, "role": 10240}
_NAME_FIELD = {"user": "UserName", "group": "GroupName", "role": "RoleName"}
_QUOTA_NAME = {"user": "PoliciesPerUser", "group": "PoliciesPerGroup", "role": "PoliciesPerRole"}


def encoded(document: str) -> str:
    """A policy document as IAM responses carry it."""
    return quote(document, safe="")


def no_policy(arn: str) -> NoSuchEntityException:
    """AWS's message for a managed policy that is not there."""
    return NoSuchEntityException(f"Policy {arn} does not exist or is not attachable.")


def find_policy(reader: Any, account: str, arn: str) -> dict[str, Any] | None:
    """The managed policy (customer's or AWS's) with this ARN, or None."""
    if arn.startswith("arn:aws:iam::aws:policy/"):
        return builtin.managed(arn)
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[4] != account or not parts[5].startswith("policy/"):
        return None
    record = store.load(reader, account, "policy", arn.rsplit("/", 1)[1])
    return record if record is not None and record["Arn"] == arn else None


def attachments(reader: Any, account: str) -> tuple[dict[str, list[tuple[str, dict]]], dict[str, int]]:
    """Which entities each policy ARN is attached to, and how many use each as a boundary."""
    attached: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    boundaries: dict[str, int] = defaultdict(int)
    for kind in ("user", "group", "role"):
        for record in store.records(reader, account, kind):
            for arn in record["_attached"]:
                attached[arn].append((kind, record))
            boundary = record.get("PermissionsBoundary")
            if boundary:
                boundaries[boundary["PermissionsBoundaryArn"]] += 1
    return attached, boundaries


def policy_view(record: dict[str, Any], attached: int, boundaries: int, listing: bool = False) -> dict[str, Any]:
    """A managed policy in the ``Policy`` shape."""
    out = store.public(record, drop=("Description", "Tags") if listing else ())
    out["AttachmentCount"] = attached
    out["PermissionsBoundaryUsageCount"] = boundaries
    out["IsAttachable"] = True
    return out


def version_view(record: dict[str, Any], version_id: str, with_document: bool = True) -> dict[str, Any]:
    """One version in the ``PolicyVersion`` shape."""
    version = record["_versions"][version_id]
    out: dict[str, Any] = {"VersionId": version_id, "IsDefaultVersion": version_id == record["DefaultVersionId"],
                           "CreateDate": store.when(version["CreateDate"])}
    if with_document:
        out["Document"] = encoded(version["Document"])
    return out


def _version_order(version_id: str) -> int:
    return int(version_id[1:])


class Policies:
    """Managed, inline and boundary policy operations."""

    # --- managed policies ----------------------------------------------------------------------

    def create_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A customer managed policy with its first version, v1, as default."""
        name, path = request["PolicyName"], request.get("Path") or "/"
        document = request["PolicyDocument"]
        check_document(document)
        if policy_size(document) > MANAGED_SIZE:
            raise LimitExceededException(f"Cannot exceed quota for PolicySize: {MANAGED_SIZE}")
        now = ctx.clock.now()
        with ctx.store.transaction() as txn:
            if store.load(txn, ctx.account, "policy", name) is not None:
                raise EntityAlreadyExistsException(
                    f"A policy called {name} already exists. Duplicate names are not allowed.")
            if txn.count(store.prefix(ctx.account, "policy")) >= MAX_POLICIES:
                raise LimitExceededException(f"Cannot exceed quota for PoliciesPerAccount: {MAX_POLICIES}")
            record: dict[str, Any] = {
                "PolicyName": name, "PolicyId": ids.unique_id(ids.POLICY),
                "Arn": ids.arn(ctx.account, "policy", path, name), "Path": path, "DefaultVersionId": "v1",
                "Description": request.get("Description"), "CreateDate": now, "UpdateDate": now, "Tags": [],
                "_versions": {"v1": {"Document": document, "CreateDate": now}}, "_next": 2,
            }
            if request.get("Tags"):
                merge_tags(record, request["Tags"], "TagsPerPolicy")
            store.save(txn, ctx.account, "policy", name, record)
        return {"Policy": policy_view(record, 0, 0)}

    def _policy(self, reader: Any, ctx: Ctx, arn: str) -> dict[str, Any]:
        record = find_policy(reader, ctx.account, arn)
        if record is None:
            raise no_policy(arn)
        return record

    def _customer_policy(self, reader: Any, ctx: Ctx, arn: str) -> dict[str, Any]:
        record = self._policy(reader, ctx, arn)
        if arn.startswith("arn:aws:iam::aws:"):
            raise InvalidInputException(f"ARN {arn} is not valid.")
        return record

    def get_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A managed policy with its attachment counts."""
        record = self._policy(ctx.store, ctx, request["PolicyArn"])
        attached, boundaries = attachments(ctx.store, ctx.account)
        return {"Policy": policy_view(record, len(attached.get(record["Arn"], [])), boundaries.get(record["Arn"], 0))}

    def delete_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Delete a customer managed policy that is attached nowhere and has only its default version."""
        arn = request["PolicyArn"]
        with ctx.store.transaction() as txn:
            record = self._customer_policy(txn, ctx, arn)
            attached, boundaries = attachments(txn, ctx.account)
            if attached.get(arn) or boundaries.get(arn):
                raise DeleteConflictException("Cannot delete a policy attached to entities.")
            if len(record["_versions"]) > 1:
                raise DeleteConflictException(
                    "This policy has more than one version. Before you delete a policy, you must delete the "
                    "policy's versions. The default version is deleted with the policy.")
            store.remove(txn, ctx.account, "policy", record["PolicyName"])
        return {}

    def list_policies(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Managed policies by scope (All, AWS, Local), path prefix and whether they are attached."""
        scope = request.get("Scope") or "All"
        policies: list[dict[str, Any]] = []
        if scope in ("All", "AWS"):
            policies.extend(builtin.all_managed())
        if scope in ("All", "Local"):
            policies.extend(store.records(ctx.store, ctx.account, "policy"))
        attached, boundaries = attachments(ctx.store, ctx.account)
        prefix = request.get("PathPrefix") or "/"
        usage = request.get("PolicyUsageFilter")
        chosen = []
        for record in policies:
            count, bcount = len(attached.get(record["Arn"], [])), boundaries.get(record["Arn"], 0)
            if not record["Path"].startswith(prefix):
                continue
            if request.get("OnlyAttached") and not (count or bcount):
                continue
            if usage == "PermissionsPolicy" and request.get("OnlyAttached") and not count:
                continue
            if usage == "PermissionsBoundary" and request.get("OnlyAttached") and not bcount:
                continue
            chosen.append(policy_view(record, count, bcount, listing=True))
        return page(chosen, request, lambda p: p["PolicyName"].lower() + "\0" + p["Arn"], "Policies")

    def create_policy_version(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A new version (at most five), made default when asked."""
        document = request["PolicyDocument"]
        check_document(document)
        if policy_size(document) > MANAGED_SIZE:
            raise LimitExceededException(f"Cannot exceed quota for PolicySize: {MANAGED_SIZE}")
        with ctx.store.transaction() as txn:
            record = self._customer_policy(txn, ctx, request["PolicyArn"])
            if len(record["_versions"]) >= MAX_VERSIONS:
                raise LimitExceededException(
                    f"A managed policy can have up to {MAX_VERSIONS} versions. Before you create a new version, "
                    "you must delete an existing version.")
            version_id = f"v{record['_next']}"
            record["_next"] += 1
            now = ctx.clock.now()
            record["_versions"][version_id] = {"Document": document, "CreateDate": now}
            if request.get("SetAsDefault"):
                record["DefaultVersionId"] = version_id
            record["UpdateDate"] = now
            store.save(txn, ctx.account, "policy", record["PolicyName"], record)
        return {"PolicyVersion": version_view(record, version_id, with_document=False)}

    def _version(self, record: dict[str, Any], arn: str, version_id: str) -> None:
        if version_id not in record["_versions"]:
            raise NoSuchEntityException(f"Policy {arn} version {version_id} does not exist or is not attachable.")

    def get_policy_version(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """One version of a managed policy, with its document."""
        record = self._policy(ctx.store, ctx, request["PolicyArn"])
        self._version(record, request["PolicyArn"], request["VersionId"])
        return {"PolicyVersion": version_view(record, request["VersionId"])}

    def delete_policy_version(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Delete a version that is not the default."""
        with ctx.store.transaction() as txn:
            record = self._customer_policy(txn, ctx, request["PolicyArn"])
            version_id = request["VersionId"]
            self._version(record, request["PolicyArn"], version_id)
            if version_id == record["DefaultVersionId"]:
                raise DeleteConflictException("Cannot delete the default version of a policy.")
            del record["_versions"][version_id]
            store.save(txn, ctx.account, "policy", record["PolicyName"], record)
        return {}

    def list_policy_versions(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A policy's versions, newest first."""
        record = self._policy(ctx.store, ctx, request["PolicyArn"])
        versions = [version_view(record, v, with_document=False) for v in record["_versions"]]
        out = page(versions, request, lambda v: f"{1_000_000 - _version_order(v['VersionId']):07d}", "Versions")
        return out

    def set_default_policy_version(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Make another version the one in force."""
        with ctx.store.transaction() as txn:
            record = self._customer_policy(txn, ctx, request["PolicyArn"])
            self._version(record, request["PolicyArn"], request["VersionId"])
            record["DefaultVersionId"] = request["VersionId"]
            record["UpdateDate"] = ctx.clock.now()
            store.save(txn, ctx.account, "policy", record["PolicyName"], record)
        return {}

    def tag_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Add or replace tags on a customer managed policy."""
        with ctx.store.transaction() as txn:
            record = self._customer_policy(txn, ctx, request["PolicyArn"])
            merge_tags(record, request["Tags"], "TagsPerPolicy")
            store.save(txn, ctx.account, "policy", record["PolicyName"], record)
        return {}

    def untag_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Remove tags from a customer managed policy."""
        with ctx.store.transaction() as txn:
            record = self._customer_policy(txn, ctx, request["PolicyArn"])
            drop_tags(record, request["TagKeys"])
            store.save(txn, ctx.account, "policy", record["PolicyName"], record)
        return {}

    def list_policy_tags(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A managed policy's tags."""
        record = self._policy(ctx.store, ctx, request["PolicyArn"])
        return page(record.get("Tags") or [], request, lambda t: t["Key"].lower(), "Tags")

    def list_entities_for_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The users, groups and roles a managed policy is attached to (or bounds)."""
        arn = request["PolicyArn"]
        self._policy(ctx.store, ctx, arn)
        usage = request.get("PolicyUsageFilter")
        wanted = request.get("EntityFilter")
        found: list[tuple[str, dict]] = []
        for kind in ("user", "group", "role"):
            if wanted and wanted.lower() not in (kind, "localmanagedpolicy", "awsmanagedpolicy"):
                continue
            for record in store.records(ctx.store, ctx.account, kind):
                as_policy = arn in record["_attached"]
                as_boundary = (record.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn") == arn
                if (usage == "PermissionsBoundary" and as_boundary) or (usage == "PermissionsPolicy" and as_policy) \
                        or (not usage and (as_policy or as_boundary)):
                    found.append((kind, record))
        rows = [(kind, r) for kind, r in found]
        out = page(rows, request, lambda kr: kr[0] + "\0" + kr[1][_NAME_FIELD[kr[0]]].lower(), "_rows")
        rows = out.pop("_rows")
        out["PolicyUsers"] = [{"UserName": r["UserName"], "UserId": r["UserId"]} for k, r in rows if k == "user"]
        out["PolicyGroups"] = [{"GroupName": r["GroupName"], "GroupId": r["GroupId"]} for k, r in rows if k == "group"]
        out["PolicyRoles"] = [{"RoleName": r["RoleName"], "RoleId": r["RoleId"]} for k, r in rows if k == "role"]
        return out

    # --- attaching -----------------------------------------------------------------------------

    def _attach(self, ctx: Ctx, kind: str, name: str, arn: str) -> dict[str, Any]:
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, kind, name)
            self._policy(txn, ctx, arn)
            if arn not in record["_attached"]:
                if len(record["_attached"]) >= MAX_MANAGED_PER_ENTITY:
                    raise LimitExceededException(
                        f"Cannot exceed quota for {_QUOTA_NAME[kind]}: {MAX_MANAGED_PER_ENTITY}")
                record["_attached"].append(arn)
                store.save(txn, ctx.account, kind, record[_NAME_FIELD[kind]], record)
        return {}

    def _detach(self, ctx: Ctx, kind: str, name: str, arn: str) -> dict[str, Any]:
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, kind, name)
            if arn not in record["_attached"]:
                raise NoSuchEntityException(f"Policy {arn} was not found.")
            record["_attached"].remove(arn)
            store.save(txn, ctx.account, kind, record[_NAME_FIELD[kind]], record)
        return {}

    def _list_attached(self, ctx: Ctx, kind: str, request: dict[str, Any]) -> dict[str, Any]:
        record = require(ctx.store, ctx, kind, request[_NAME_FIELD[kind]])
        rows = []
        prefix = request.get("PathPrefix") or "/"
        for arn in record["_attached"]:
            policy = find_policy(ctx.store, ctx.account, arn)
            if policy is not None and policy["Path"].startswith(prefix):
                rows.append({"PolicyName": policy["PolicyName"], "PolicyArn": arn})
        return page(rows, request, lambda p: p["PolicyName"].lower(), "AttachedPolicies")

    def attach_user_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Attach a managed policy to a user."""
        return self._attach(ctx, "user", request["UserName"], request["PolicyArn"])

    def attach_group_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Attach a managed policy to a group."""
        return self._attach(ctx, "group", request["GroupName"], request["PolicyArn"])

    def attach_role_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Attach a managed policy to a role."""
        return self._attach(ctx, "role", request["RoleName"], request["PolicyArn"])

    def detach_user_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Detach a managed policy from a user."""
        return self._detach(ctx, "user", request["UserName"], request["PolicyArn"])

    def detach_group_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Detach a managed policy from a group."""
        return self._detach(ctx, "group", request["GroupName"], request["PolicyArn"])

    def detach_role_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Detach a managed policy from a role."""
        return self._detach(ctx, "role", request["RoleName"], request["PolicyArn"])

    def list_attached_user_policies(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The managed policies attached to a user."""
        return self._list_attached(ctx, "user", request)

    def list_attached_group_policies(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The managed policies attached to a group."""
        return self._list_attached(ctx, "group", request)

    def list_attached_role_policies(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The managed policies attached to a role."""
        return self._list_attached(ctx, "role", request)

    # --- inline policies -----------------------------------------------------------------------

    def _put_inline(self, ctx: Ctx, kind: str, name: str, policy_name: str, document: str) -> dict[str, Any]:
        check_document(document)
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, kind, name)
            inline = dict(record["_inline"])
            inline[policy_name] = document
            if sum(policy_size(d) for d in inline.values()) > INLINE_SIZE[kind]:
                raise LimitExceededException(
                    f"Maximum policy size of {INLINE_SIZE[kind]} bytes exceeded for {kind} {record[_NAME_FIELD[kind]]}")
            record["_inline"] = inline
            store.save(txn, ctx.account, kind, record[_NAME_FIELD[kind]], record)
        return {}

    def _get_inline(self, ctx: Ctx, kind: str, name: str, policy_name: str) -> dict[str, Any]:
        record = require(ctx.store, ctx, kind, name)
        if policy_name not in record["_inline"]:
            raise NoSuchEntityException(f"The {kind} policy with name {policy_name} cannot be found.")
        return {_NAME_FIELD[kind]: record[_NAME_FIELD[kind]], "PolicyName": policy_name,
                "PolicyDocument": encoded(record["_inline"][policy_name])}

    def _delete_inline(self, ctx: Ctx, kind: str, name: str, policy_name: str) -> dict[str, Any]:
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, kind, name)
            if policy_name not in record["_inline"]:
                raise NoSuchEntityException(f"The {kind} policy with name {policy_name} cannot be found.")
            del record["_inline"][policy_name]
            store.save(txn, ctx.account, kind, record[_NAME_FIELD[kind]], record)
        return {}

    def _list_inline(self, ctx: Ctx, kind: str, request: dict[str, Any]) -> dict[str, Any]:
        record = require(ctx.store, ctx, kind, request[_NAME_FIELD[kind]])
        return page(list(record["_inline"]), request, lambda n: n, "PolicyNames")

    def put_user_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Create or replace a user's inline policy."""
        return self._put_inline(ctx, "user", request["UserName"], request["PolicyName"], request["PolicyDocument"])

    def put_group_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Create or replace a group's inline policy."""
        return self._put_inline(ctx, "group", request["GroupName"], request["PolicyName"], request["PolicyDocument"])

    def put_role_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Create or replace a role's inline policy."""
        return self._put_inline(ctx, "role", request["RoleName"], request["PolicyName"], request["PolicyDocument"])

    def get_user_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A user's inline policy."""
        return self._get_inline(ctx, "user", request["UserName"], request["PolicyName"])

    def get_group_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A group's inline policy."""
        return self._get_inline(ctx, "group", request["GroupName"], request["PolicyName"])

    def get_role_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A role's inline policy."""
        return self._get_inline(ctx, "role", request["RoleName"], request["PolicyName"])

    def delete_user_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Delete a user's inline policy."""
        return self._delete_inline(ctx, "user", request["UserName"], request["PolicyName"])

    def delete_group_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Delete a group's inline policy."""
        return self._delete_inline(ctx, "group", request["GroupName"], request["PolicyName"])

    def delete_role_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Delete a role's inline policy."""
        return self._delete_inline(ctx, "role", request["RoleName"], request["PolicyName"])

    def list_user_policies(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The names of a user's inline policies."""
        return self._list_inline(ctx, "user", request)

    def list_group_policies(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The names of a group's inline policies."""
        return self._list_inline(ctx, "group", request)

    def list_role_policies(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The names of a role's inline policies."""
        return self._list_inline(ctx, "role", request)

    # --- permissions boundaries ----------------------------------------------------------------

    def _boundary(self, ctx: Ctx, reader: Any, arn: str) -> dict[str, str]:
        self._policy(reader, ctx, arn)
        return {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}

    def _set_boundary(self, ctx: Ctx, kind: str, name: str, arn: str | None) -> dict[str, Any]:
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, kind, name)
            record["PermissionsBoundary"] = self._boundary(ctx, txn, arn) if arn else None
            store.save(txn, ctx.account, kind, record[_NAME_FIELD[kind]], record)
        return {}

    def put_user_permissions_boundary(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Bound a user's permissions by a managed policy."""
        return self._set_boundary(ctx, "user", request["UserName"], request["PermissionsBoundary"])

    def put_role_permissions_boundary(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Bound a role's permissions by a managed policy."""
        return self._set_boundary(ctx, "role", request["RoleName"], request["PermissionsBoundary"])

    def delete_user_permissions_boundary(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Remove a user's permissions boundary."""
        return self._set_boundary(ctx, "user", request["UserName"], None)

    def delete_role_permissions_boundary(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Remove a role's permissions boundary."""
        return self._set_boundary(ctx, "role", request["RoleName"], None)

