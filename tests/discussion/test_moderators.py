"""Who is in a space, and the moderators the psychiatrist and the project manager name."""

from __future__ import annotations

import pytest

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.core import permissions, scope
from tongban.discussion import services
from tongban.discussion.models import ModerationEntry

pytestmark = pytest.mark.django_db


def test_the_members_of_a_space_are_those_whose_scope_holds_it(
    users, spaces, community_a, community_b
):
    # More people: staff and a peer of B, a peer who withdrew, an inactive account.
    extra = [
        make_user("doctor_b", Role.COMMUNITY_DOCTOR, [community_b]),
        make_user(
            "peer_b", Role.PEER,
            person=make_person("乙同伴", community=community_b, role="peer", sex="female"),
        ),
        make_user("gone", Role.SOCIAL_WORKER, [community_a]),
    ]  # fmt: skip
    extra[-1].is_active = False
    extra[-1].save()
    everyone = [*users.values(), *extra]
    for space in spaces.values():
        members = set(scope.discussion_members(space).values_list("pk", flat=True))
        readers = {
            user.pk
            for user in everyone
            if scope.discussion_spaces(user).filter(pk=space.pk).exists()
        }
        assert members == readers, space
    assert users["research"].pk not in members


def test_a_peer_out_of_service_is_no_longer_a_member(users, spaces, peer_person_a):
    from tongban.registry import services as registry_services
    from tongban.registry.models import EnrolmentStatusChange

    assert scope.discussion_members(spaces["a"]).filter(pk=users["peer"].pk).exists()
    registry_services.enrolment_change_status(
        enrolment=peer_person_a.enrolments.get(),
        status=EnrolmentStatusChange.Status.WITHDRAWN, reason="test",
        effective_on=peer_person_a.enrolments.get().started_on,
    )  # fmt: skip
    assert not scope.discussion_members(spaces["a"]).filter(pk=users["peer"].pk).exists()


def test_the_manager_names_a_moderator_for_one_space_and_removes_them(users, spaces):
    social = users["socialworker"]
    assert not permissions.can_moderate_space(social, spaces["a"])
    services.space_moderator_name(
        space=spaces["a"], by=users["manager"], user=social, reason="经验丰富"
    )
    assert permissions.can_moderate_space(social, spaces["a"])
    assert not permissions.can_moderate_space(social, spaces["program"])
    services.space_moderator_remove(space=spaces["a"], by=users["psychiatrist"], user=social)
    assert not permissions.can_moderate_space(social, spaces["a"])
    log = list(ModerationEntry.objects.order_by("pk").values_list("action", "subject", "moderator"))
    assert log == [
        ("name_moderator", social.pk, users["manager"].pk),
        ("remove_moderator", social.pk, users["psychiatrist"].pk),
    ]
    # The change is in the space's history too (who, when).
    assert spaces["a"].history.count() >= 1


@pytest.mark.parametrize("by", ["doctor", "socialworker", "peer"])
def test_only_the_psychiatrist_and_the_manager_name_moderators(users, spaces, by):
    with pytest.raises(services.PermissionDenied):
        services.space_moderator_name(space=spaces["a"], by=users[by], user=users["psychologist"])
    assert not ModerationEntry.objects.exists()


def test_only_members_can_be_named(users, spaces, community_b):
    doctor_b = make_user("doctor_b", Role.COMMUNITY_DOCTOR, [community_b])
    with pytest.raises(services.ValidationError) as caught:
        services.space_moderator_name(space=spaces["a"], by=users["manager"], user=doctor_b)
    assert "user" in caught.value.message_dict
    with pytest.raises(services.ValidationError):
        services.space_moderator_name(
            space=spaces["a"], by=users["manager"], user=users["psychiatrist"]
        )
    assert not spaces["a"].moderators.exists()


def test_the_moderators_page(client_for, users, spaces):
    url = f"/group/spaces/{spaces['a'].pk}/moderators/"
    assert client_for(users["doctor"]).get(url).status_code == 403
    client = client_for(users["manager"])
    body = client.get(url).content.decode()
    # The choices are the space's members other than those who always moderate.
    assert f'value="{users["peer"].pk}"' in body and f'value="{users["doctor"].pk}"' in body
    assert f'value="{users["psychiatrist"].pk}"' not in body
    assert f'value="{users["research"].pk}"' not in body
    response = client.post(url, {"user": users["peer"].pk, "reason": "资深同伴"})
    assert response.status_code == 302
    assert list(spaces["a"].moderators.all()) == [users["peer"]]
    body = client.get(url).content.decode()
    assert f'id="moderator-{users["peer"].pk}"' in body
    response = client.post(url, {"action": "remove", "user": users["peer"].pk})
    assert response.status_code == 302 and not spaces["a"].moderators.exists()
    # A choice that is not a member: an error next to the field, nothing saved.
    response = client.post(url, {"user": users["research"].pk})
    assert response.status_code == 200 and "user" in response.context["form"].errors
    log = client.get("/group/moderation/").content.decode()
    assert log.count(users["peer"].display_name) >= 2


def test_a_named_moderator_finds_and_reads_the_log_of_their_spaces_only(client_for, users, spaces):
    social = users["socialworker"]
    client = client_for(social)
    assert "/group/moderation/" not in client.get("/group/").content.decode()
    assert client.get("/group/moderation/").status_code == 403
    services.space_moderator_name(space=spaces["a"], by=users["manager"], user=social)
    services.space_moderator_name(
        space=spaces["program"], by=users["manager"], user=users["doctor"]
    )
    client = client_for(social)
    assert "/group/moderation/" in client.get("/group/").content.decode()
    entries = list(client.get("/group/moderation/").context["entries"])
    assert [entry.space for entry in entries] == [spaces["a"]]
