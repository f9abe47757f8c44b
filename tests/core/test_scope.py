from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.core import scope
from tongban.registry import services
from tongban.registry.models import Person


def test_staff_see_their_communities_only(users, community_a, community_b, consumer_a, consumer_b):
    doctor = users["doctor"]
    assert list(scope.communities(doctor)) == [community_a]
    visible = set(Person.objects.visible_to(doctor))
    assert consumer_a in visible and consumer_b not in visible


def test_program_wide_roles_see_everything(users, community_a, community_b, consumer_b):
    for name in ("manager", "psychiatrist"):
        assert set(scope.communities(users[name])) == {community_a, community_b}
        assert consumer_b in Person.objects.visible_to(users[name])


def test_caregivers_follow_the_person_they_care_for(users, consumer_a, consumer_b):
    mother = make_person("甲母亲")
    services.caregiver_link_create(caregiver=mother, cared_for=consumer_a, relationship="parent")
    other = make_person("乙母亲")
    services.caregiver_link_create(caregiver=other, cared_for=consumer_b, relationship="parent")
    visible = set(Person.objects.visible_to(users["doctor"]))
    assert mother in visible and other not in visible
    # Peers never see caregivers, even of their own community's consumers.
    assert mother not in Person.objects.visible_to(users["peer"])


def test_peer_scope_follows_their_enrolment(users, peer_person_a, community_a, consumer_a):
    peer = users["peer"]
    assert list(scope.communities(peer)) == [community_a]
    assert consumer_a in Person.objects.visible_to(peer)
    enrolment = peer_person_a.enrolments.get()
    services.enrolment_change_status(
        enrolment=enrolment, status="withdrawn", effective_on=enrolment.started_on, reason="搬家"
    )
    assert not scope.communities(peer).exists()
    # A withdrawn peer still sees their own record, nobody else's.
    assert list(Person.objects.visible_to(peer)) == [peer_person_a]


def test_staff_without_communities_and_inactive_users_see_nothing(community_a, consumer_a):
    lonely = make_user("lonely", Role.SOCIAL_WORKER)
    assert not Person.objects.visible_to(lonely).exists()
    gone = make_user("gone", Role.COMMUNITY_DOCTOR, [community_a])
    gone.is_active = False
    assert not scope.communities(gone).exists()


def test_private_fields_hidden_only_from_peers_about_others(users, peer_person_a, consumer_a):
    assert scope.private_fields_hidden(users["peer"], consumer_a)
    assert not scope.private_fields_hidden(users["peer"], peer_person_a)
    assert not scope.private_fields_hidden(users["doctor"], consumer_a)


# Several programs in one installation ------------------------------------------------------


def _second_program():
    from datetime import date

    from tongban.registry.models import Community, Program

    other = Program.objects.create(name="第二项目", slug="second", started_on=date(2024, 1, 1))
    community = Community.objects.create(program=other, code="gamma", name="丙社区")
    return other, community


def test_each_role_belongs_to_its_programs(users, program, community_a):
    other, gamma = _second_program()
    for name in ("manager", "psychiatrist", "doctor", "peer"):
        assert list(scope.programs(users[name])) == [program], name
    both = make_user("both", Role.COMMUNITY_DOCTOR, [community_a, gamma])
    # Newest first: the switcher lists the program started last at the top.
    assert list(scope.programs(both)) == [other, program]
    boss = make_user("boss", Role.PROJECT_MANAGER, programs=[program, other])
    assert set(scope.programs(boss)) == {program, other}


def test_the_chosen_program_limits_every_scope(users, program, community_a, consumer_a):
    other, gamma = _second_program()
    stranger = make_person("丙服务对象", community=gamma)
    boss = make_user("boss", Role.PROJECT_MANAGER, programs=[program, other])
    # No choice yet: the newest program.
    assert scope.program(boss) == other
    assert list(scope.communities(boss)) == [gamma]
    assert list(Person.objects.visible_to(boss)) == [stranger]
    boss.current_program = program
    boss.save()
    scope.forget_program(boss)
    assert scope.program(boss) == program
    assert gamma not in scope.communities(boss)
    assert stranger not in Person.objects.visible_to(boss)
    assert consumer_a in Person.objects.visible_to(boss)
    # The manager of one program sees nothing of the other, whatever is stored.
    manager = users["manager"]
    manager.current_program = other
    manager.save()
    scope.forget_program(manager)
    assert scope.program(manager) == program
    assert gamma not in scope.communities(manager)
    assert stranger not in Person.objects.visible_to(manager)


def test_accounts_are_those_of_the_chosen_program(users, program):
    other, gamma = _second_program()
    theirs = make_user("theirs", Role.COMMUNITY_DOCTOR, [gamma])
    their_boss = make_user("their-boss", Role.PROJECT_MANAGER, programs=[other])
    visible = set(scope.accounts(users["manager"]))
    assert users["doctor"] in visible and users["peer"] in visible
    assert theirs not in visible and their_boss not in visible
    assert set(scope.accounts(their_boss)) == {theirs, their_boss}


def test_a_manager_without_a_program_sees_nothing(community_a, consumer_a):
    new = make_user("new", Role.PROJECT_MANAGER, programs=[])
    assert scope.program(new) is None
    assert not scope.communities(new).exists()
    assert not Person.objects.visible_to(new).exists()
    assert not scope.accounts(new).exists()
