"""IAM roles (trust policies, session duration, service-linked roles) and instance profiles."""

from __future__ import annotations

import uuid
from typing import Any

from fogbank.context import Ctx
from fogbank.services.iam import ids, store
from fogbank.services.iam.entities import check_document, drop_tags, merge_tags, policy_size, require
from fogbank.services.iam.errors import (
    DeleteConflictException,
    EntityAlreadyExistsException,
    InvalidInputException,
    LimitExceededException,
    NoSuchEntityException,
    UnmodifiableEntityException,
    already_exists,
    validation,
)
from fogbank.services.iam.paging import page
from fogbank.services.iam.policies import encoded

MAX_ROLES = 1000
MAX_INSTANCE_PROFILES = 1000
TRUST_SIZE = 2048
MIN_SESSION, MAX_SESSION = 3600, 43200


def role_view(record: dict[str, Any], listing: bool = False) -> dict[str, Any]:
    """A role record in the ``Role`` shape (listings leave tags, boundary and last use out)."""
    drop = ("Tags", "PermissionsBoundary", "RoleLastUsed") if listing else ()
    out = store.public(record, drop=drop)
    out["AssumeRolePolicyDocument"] = encoded(record["AssumeRolePolicyDocument"])
    last = record.get("RoleLastUsed") or {}
    if not listing:
        out["RoleLastUsed"] = {k: store.when(v) if k == "LastUsedDate" else v for k, v in last.items()}
    return out


def _check_trust(document: str) -> None:
    check_document(document, "trust")
    if policy_size(document) > TRUST_SIZE:
        raise LimitExceededException(f"Cannot exceed quota for ACLSizePerRole: {TRUST_SIZE}")


def _check_duration(value: int | None) -> None:
    if value is not None and not MIN_SESSION <= value <= MAX_SESSION:
        bound = "greater than or equal to 3600" if value < MIN_SESSION else "less than or equal to 43200"
        raise validation(f"1 validation error detected: Value '{value}' at 'maxSessionDuration' failed to "
                         f"satisfy constraint: Member must have value {bound}")


class Roles:
    """Role and instance profile operations."""

    def _new_role(self, ctx: Ctx, txn: Any, request: dict[str, Any], path: str) -> dict[str, Any]:
        name = request["RoleName"]
        if store.load(txn, ctx.account, "role", name) is not None:
            raise already_exists("Role", name)
        if txn.count(store.prefix(ctx.account, "role")) >= MAX_ROLES:
            raise LimitExceededException(f"Cannot exceed quota for RolesPerAccount: {MAX_ROLES}.")
        record: dict[str, Any] = {
            "Path": path, "RoleName": name, "RoleId": ids.unique_id(ids.ROLE),
            "Arn": ids.arn(ctx.account, "role", path, name), "CreateDate": ctx.clock.now(),
            "AssumeRolePolicyDocument": request["AssumeRolePolicyDocument"],
            "Description": request.get("Description"),
            "MaxSessionDuration": request.get("MaxSessionDuration") or MIN_SESSION,
            "Tags": [], "RoleLastUsed": {}, "_inline": {}, "_attached": [],
        }
        if request.get("Tags"):
            merge_tags(record, request["Tags"], "TagsPerRole")
        if request.get("PermissionsBoundary"):
            record["PermissionsBoundary"] = self._boundary(ctx, txn, request["PermissionsBoundary"])
        store.save(txn, ctx.account, "role", name, record)
        return record

    def create_role(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A role with an AROA id, trusting whom its trust policy names."""
        _check_trust(request["AssumeRolePolicyDocument"])
        _check_duration(request.get("MaxSessionDuration"))
        with ctx.store.transaction() as txn:
            record = self._new_role(ctx, txn, request, request.get("Path") or "/")
        return {"Role": role_view(record)}

    def get_role(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A role with its trust policy, tags and last use."""
        return {"Role": role_view(require(ctx.store, ctx, "role", request["RoleName"]))}

    def _change_role(self, ctx: Ctx, name: str, **changes: Any) -> dict[str, Any]:
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, "role", name)
            if record["Path"].startswith("/aws-service-role/") and "AssumeRolePolicyDocument" in changes:
                raise UnmodifiableEntityException(
                    f"Cannot perform the operation on the protected role '{record['RoleName']}' - this role is "
                    "only modifiable by AWS")
            record.update({k: v for k, v in changes.items() if v is not None})
            store.save(txn, ctx.account, "role", record["RoleName"], record)
        return record

    def update_role(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Change a role's description or maximum session duration."""
        _check_duration(request.get("MaxSessionDuration"))
        self._change_role(ctx, request["RoleName"], Description=request.get("Description"),
                          MaxSessionDuration=request.get("MaxSessionDuration"))
        return {}

    def update_role_description(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Change a role's description."""
        record = self._change_role(ctx, request["RoleName"], Description=request["Description"])
        return {"Role": role_view(record)}

    def update_assume_role_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Replace a role's trust policy."""
        _check_trust(request["PolicyDocument"])
        self._change_role(ctx, request["RoleName"], AssumeRolePolicyDocument=request["PolicyDocument"])
        return {}

    def delete_role(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Delete a role with no policies and in no instance profile (else DeleteConflict)."""
        name = request["RoleName"]
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, "role", name)
            if record["Path"].startswith("/aws-service-role/"):
                raise UnmodifiableEntityException(
                    f"Cannot perform the operation on the protected role '{record['RoleName']}' - this role is "
                    "only modifiable by AWS")
            self._check_role_unused(ctx, txn, record)
            store.remove(txn, ctx.account, "role", name)
        return {}

    def _check_role_unused(self, ctx: Ctx, txn: Any, record: dict[str, Any]) -> None:
        if record["_attached"]:
            raise DeleteConflictException("Cannot delete entity, must detach all policies first.")
        if record["_inline"]:
            raise DeleteConflictException("Cannot delete entity, must delete policies first.")
        lowered = record["RoleName"].lower()
        if any(lowered in (r.lower() for r in p["Roles"]) for p in store.records(txn, ctx.account, "profile")):
            raise DeleteConflictException("Cannot delete entity, must remove roles from instance profile first.")

    def list_roles(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Roles under a path prefix, a page at a time."""
        prefix = request.get("PathPrefix") or "/"
        roles = [r for r in store.records(ctx.store, ctx.account, "role") if r["Path"].startswith(prefix)]
        out = page(roles, request, lambda r: r["RoleName"].lower(), "Roles")
        out["Roles"] = [role_view(r, listing=True) for r in out["Roles"]]
        return out

    def tag_role(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Add or replace tags on a role."""
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, "role", request["RoleName"])
            merge_tags(record, request["Tags"], "TagsPerRole")
            store.save(txn, ctx.account, "role", record["RoleName"], record)
        return {}

    def untag_role(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Remove tags from a role."""
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, "role", request["RoleName"])
            drop_tags(record, request["TagKeys"])
            store.save(txn, ctx.account, "role", record["RoleName"], record)
        return {}

    def list_role_tags(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A role's tags."""
        record = require(ctx.store, ctx, "role", request["RoleName"])
        return page(record.get("Tags") or [], request, lambda t: t["Key"].lower(), "Tags")

    # --- service-linked roles ------------------------------------------------------------------

    def create_service_linked_role(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The role a service uses on the account's behalf, under /aws-service-role/<service>/."""
        service = request["AWSServiceName"]
        if not service.endswith(".amazonaws.com"):
            raise InvalidInputException(f"Invalid service name: {service}")
        short = service.split(".")[0]
        name = "AWSServiceRoleFor" + "".join(p[:1].upper() + p[1:] for p in short.split("-"))
        if request.get("CustomSuffix"):
            name += "_" + request["CustomSuffix"]
        trust = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"'
                 + service + '"},"Action":"sts:AssumeRole"}]}')
        with ctx.store.transaction() as txn:
            record = self._new_role(ctx, txn, {"RoleName": name, "AssumeRolePolicyDocument": trust,
                                               "Description": request.get("Description")},
                                    f"/aws-service-role/{service}/")
        return {"Role": role_view(record)}

    def delete_service_linked_role(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Delete a service-linked role; the deletion task it returns has already succeeded."""
        name = request["RoleName"]
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, "role", name)
            if not record["Path"].startswith("/aws-service-role/"):
                raise InvalidInputException(f"Role {name} is not a service-linked role.")
            task = f"task{record['Path']}{record['RoleName']}/{uuid.uuid4()}"
            store.remove(txn, ctx.account, "role", name)
            txn.put(store.key(ctx.account, "slrtask", task), b'"SUCCEEDED"')
        return {"DeletionTaskId": task}

    def get_service_linked_role_deletion_status(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The status of a service-linked role's deletion."""
        if ctx.store.get(store.key(ctx.account, "slrtask", request["DeletionTaskId"])) is None:
            raise NoSuchEntityException(f"Deletion task {request['DeletionTaskId']} cannot be found.")
        return {"Status": "SUCCEEDED"}

    # --- instance profiles ---------------------------------------------------------------------

    def _profile_view(self, ctx: Ctx, reader: Any, record: dict[str, Any]) -> dict[str, Any]:
        out = store.public(record)
        roles = [store.load(reader, ctx.account, "role", n) for n in record["Roles"]]
        out["Roles"] = [role_view(r, listing=True) for r in roles if r is not None]
        return out

    def create_instance_profile(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """An instance profile (AIPA id) that EC2 instances carry to get a role's credentials."""
        name, path = request["InstanceProfileName"], request.get("Path") or "/"
        with ctx.store.transaction() as txn:
            if store.load(txn, ctx.account, "profile", name) is not None:
                raise EntityAlreadyExistsException(f"Instance Profile {name} already exists.")
            if txn.count(store.prefix(ctx.account, "profile")) >= MAX_INSTANCE_PROFILES:
                raise LimitExceededException(
                    f"Cannot exceed quota for InstanceProfilesPerAccount: {MAX_INSTANCE_PROFILES}.")
            record: dict[str, Any] = {
                "Path": path, "InstanceProfileName": name, "InstanceProfileId": ids.unique_id(ids.PROFILE),
                "Arn": ids.arn(ctx.account, "instance-profile", path, name), "CreateDate": ctx.clock.now(),
                "Roles": [], "Tags": [],
            }
            if request.get("Tags"):
                merge_tags(record, request["Tags"], "TagsPerInstanceProfile")
            store.save(txn, ctx.account, "profile", name, record)
            return {"InstanceProfile": self._profile_view(ctx, txn, record)}

    def get_instance_profile(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """An instance profile with its role."""
        record = require(ctx.store, ctx, "profile", request["InstanceProfileName"])
        return {"InstanceProfile": self._profile_view(ctx, ctx.store, record)}

    def delete_instance_profile(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Delete an instance profile that holds no role."""
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, "profile", request["InstanceProfileName"])
            if record["Roles"]:
                raise DeleteConflictException("Cannot delete entity, must remove roles from instance profile first.")
            store.remove(txn, ctx.account, "profile", record["InstanceProfileName"])
        return {}

    def list_instance_profiles(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Instance profiles under a path prefix."""
        prefix = request.get("PathPrefix") or "/"
        rows = [r for r in store.records(ctx.store, ctx.account, "profile") if r["Path"].startswith(prefix)]
        out = page(rows, request, lambda r: r["InstanceProfileName"].lower(), "InstanceProfiles")
        out["InstanceProfiles"] = [self._profile_view(ctx, ctx.store, r) for r in out["InstanceProfiles"]]
        return out

    def list_instance_profiles_for_role(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The instance profiles that hold a role."""
        role = require(ctx.store, ctx, "role", request["RoleName"])
        lowered = role["RoleName"].lower()
        rows = [r for r in store.records(ctx.store, ctx.account, "profile")
                if lowered in (n.lower() for n in r["Roles"])]
        out = page(rows, request, lambda r: r["InstanceProfileName"].lower(), "InstanceProfiles")
        out["InstanceProfiles"] = [self._profile_view(ctx, ctx.store, r) for r in out["InstanceProfiles"]]
        return out

    def add_role_to_instance_profile(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Put a role into an instance profile (one role per profile)."""
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, "profile", request["InstanceProfileName"])
            role = require(txn, ctx, "role", request["RoleName"])
            if record["Roles"]:
                raise LimitExceededException("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
            record["Roles"].append(role["RoleName"])
            store.save(txn, ctx.account, "profile", record["InstanceProfileName"], record)
        return {}

    def remove_role_from_instance_profile(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Take a role out of an instance profile."""
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, "profile", request["InstanceProfileName"])
            name = request["RoleName"]
            if name.lower() not in (n.lower() for n in record["Roles"]):
                raise NoSuchEntityException(f"The role with name {name} cannot be found.")
            record["Roles"] = [n for n in record["Roles"] if n.lower() != name.lower()]
            store.save(txn, ctx.account, "profile", record["InstanceProfileName"], record)
        return {}

    def tag_instance_profile(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Add or replace tags on an instance profile."""
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, "profile", request["InstanceProfileName"])
            merge_tags(record, request["Tags"], "TagsPerInstanceProfile")
            store.save(txn, ctx.account, "profile", record["InstanceProfileName"], record)
        return {}

    def untag_instance_profile(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Remove tags from an instance profile."""
        with ctx.store.transaction() as txn:
            record = require(txn, ctx, "profile", request["InstanceProfileName"])
            drop_tags(record, request["TagKeys"])
            store.save(txn, ctx.account, "profile", record["InstanceProfileName"], record)
        return {}

    def list_instance_profile_tags(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """An instance profile's tags."""
        record = require(ctx.store, ctx, "profile", request["InstanceProfileName"])
        return page(record.get("Tags") or [], request, lambda t: t["Key"].lower(), "Tags")
