"""Property: whatever sequence of status changes is accepted, the database's current status
(annotated with a subquery) is the last accepted one, and refused changes leave no trace."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tongban.registry import services
from tongban.registry.models import Community, Enrolment, Person, Program

steps = st.lists(
    st.tuples(
        st.sampled_from(["active", "on_leave", "withdrawn"]),
        st.integers(min_value=-30, max_value=400),
        st.sampled_from(["", "原因"]),
    ),
    max_size=8,
)


class StatusHistoryProperty(TestCase):
    @settings(max_examples=40, deadline=None)
    @given(steps)
    def test_current_status_is_the_last_accepted_change(self, changes):
        program = Program.objects.create(name="p", slug="p", started_on=date(2013, 7, 1))
        community = Community.objects.create(program=program, code="c", name="社区")
        person = Person.objects.create(name="某人", sex="male", program=program)
        start = date(2014, 1, 1)
        # Not about screening: enrolled as before screening was recorded (no gate).
        enrolment = services.enrolment_create(
            person=person,
            community=community,
            role="consumer",
            started_on=start,
            before_screening=True,
        )
        expected, day = "active", start
        for status, offset, reason in changes:
            day_wanted = day + timedelta(days=offset)
            try:
                services.enrolment_change_status(
                    enrolment=enrolment, status=status, effective_on=day_wanted, reason=reason
                )
            except ValidationError:
                continue
            expected, day = status, day_wanted
        row = Enrolment.objects.with_status().get(pk=enrolment.pk)
        assert row.current_status == expected
        in_service = Enrolment.objects.in_service().filter(pk=enrolment.pk).exists()
        assert in_service == (expected != "withdrawn")
