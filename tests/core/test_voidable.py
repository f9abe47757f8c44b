import pytest

from tongban.registry import services
from tongban.registry.models import Enrolment


def test_voidable_records_cannot_be_deleted(consumer_a):
    enrolment = consumer_a.enrolments.get()
    with pytest.raises(TypeError):
        enrolment.delete()
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()


def test_void_needs_a_reason_and_keeps_the_row(consumer_a, users):
    enrolment = consumer_a.enrolments.get()
    with pytest.raises(Exception, match="reason"):
        services.enrolment_void(enrolment=enrolment, by=users["doctor"], reason="  ")
    services.enrolment_void(enrolment=enrolment, by=users["doctor"], reason="录入错误")
    enrolment.refresh_from_db()
    assert enrolment.is_voided and enrolment.voided_by == users["doctor"]
    assert not Enrolment.objects.current().filter(pk=enrolment.pk).exists()
    history = list(enrolment.history.order_by("history_date"))
    assert history[-1].void_reason == "录入错误"
