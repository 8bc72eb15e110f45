from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """Each person's home page: their to-do inbox across modules."""
    return render(request, "core/home.html", {})
