"""IAM: users, groups, roles, managed and inline policies, instance profiles, access keys and
other credentials, and policy simulation, on fogbank's store and clock. IAM is global: its data
is keyed by account only. Each domain's operations live in their own module and are gathered
into ``Provider`` here.

LIMITATIONS: policies are stored and simulated but not enforced on requests (that is IAM
enforcement's work, with ``directory.policies_for``); virtual MFA devices have no QR code image;
SSH public keys are returned as uploaded (no conversion between SSH and PEM encodings); server
certificates are checked for PEM form and expiry but their private key is not matched to them;
access advisor (service last accessed), organizations features, delegation requests and
ChangePassword are not implemented.
"""

from __future__ import annotations

from fogbank.auth import principals
from fogbank.context import Ctx
from fogbank.services.iam.account import Account
from fogbank.services.iam.certs import Certificates
from fogbank.services.iam.credentials import Credentials
from fogbank.services.iam.federation import Federation
from fogbank.services.iam.mfa import Mfa
from fogbank.services.iam.policies import Policies
from fogbank.services.iam.publickeys import PublicKeys
from fogbank.services.iam.reports import Reports
from fogbank.services.iam.roles import Roles
from fogbank.services.iam.simulate import Simulator
from fogbank.services.iam.users import Users


class Provider(Users, Roles, Policies, Credentials, Mfa, Federation, Certificates, Account, Simulator,
               PublicKeys, Reports):
    """The IAM operations."""

    def reset(self, ctx: Ctx) -> None:
        """Forget IAM users' access keys along with IAM's state."""
        principals.forget(ctx.store, lambda record: record.get("kind") == "user" and record.get("issued") is None)
