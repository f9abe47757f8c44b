from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect

from tongban.core import scope
from tongban.core.ids import id_or_404

from . import services


def program_switch(request: HttpRequest) -> HttpResponse:
    """The header's switcher. A program that is not the user's answers 404.

    It lands on the home page: the page the user was on belongs to the other program.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    program = get_object_or_404(
        scope.programs(request.user), pk=id_or_404(request.POST.get("program"))
    )
    services.program_choose(user=request.user, program=program)
    return redirect("home")
