"""policies/identity.yaml: the provider's groups as aios roles, read again when it changes, and
a wrong file refused with its file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aios.config_files import ConfigFileError
from aios.policy import load_policy
from aios.users.oidc.groups import GroupRoles, NoRole, groups_in

POLICIES = Path(__file__).parents[2] / "policies"


@pytest.fixture(scope="module")
def policy():
    return load_policy(POLICIES / "actions.yaml")


@pytest.fixture
def mapping(tmp_path):
    path = tmp_path / "identity.yaml"
    shutil.copy(POLICIES / "identity.yaml", path)
    return path


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        (["aios-agents"], "agent"),
        (["aios-agents", "aios-finance"], "finance"),
        (["staff", "aios-managers", "aios-finance", "aios-senior-agents"], "manager"),
        (["aios-auditors"], "auditor"),
    ],
)
def test_the_checked_in_mapping_gives_the_role_that_includes_the_others(policy, groups, role):
    roles = GroupRoles(POLICIES / "identity.yaml", policy)
    assert roles.role_for({"groups": groups}) == role


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"groups": ["sales"]}, "None of your groups (sales) gives a role in aios"),
        ({}, "None of your groups (none in its 'groups' claim)"),
        ({"groups": ["aios-finance", "aios-senior-agents"]}, "finance and senior_agent"),
    ],
)
def test_no_role_or_no_one_role_is_refused_with_the_reason(policy, claims, reason):
    with pytest.raises(NoRole, match=reason.replace("(", r"\(").replace(")", r"\)")):
        GroupRoles(POLICIES / "identity.yaml", policy).role_for(claims)


def test_a_changed_file_is_read_again_and_a_wrong_one_names_its_line(policy, mapping):
    roles = GroupRoles(mapping, policy)
    keycloak = {"realm_access": {"roles": ["aios-admins"]}, "groups": ["aios-agents"]}
    assert roles.role_for(keycloak) == "agent"
    text = mapping.read_text().replace("groups_claim: groups", "groups_claim: realm_access.roles")
    mapping.write_text(text)
    assert roles.role_for(keycloak) == "admin"
    mapping.write_text(text + "  aios-owners: owner\n")
    wrong = r"identity\.yaml:\d+: .*roles the policy file does not have \['owner'\]"
    with pytest.raises(ConfigFileError, match=wrong):
        roles.role_for(keycloak)  # while running: nobody gets a role from it
    with pytest.raises(ConfigFileError, match=wrong):
        GroupRoles(mapping, policy)  # at start: the start stops


def test_a_groups_claim_may_be_one_string_or_a_dotted_path():
    assert groups_in({"groups": "aios-agents"}, "groups") == ["aios-agents"]
    assert groups_in({"a": {"b": ["x", 3, "y"]}}, "a.b") == ["x", "y"]
    assert groups_in({"a": "not an object"}, "a.b") == []
