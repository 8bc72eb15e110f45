from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from houqin.core import todo


@login_required
def home(request):
    """Each person's home page: their to-do inbox across modules."""
    access = request.access
    if not access.is_member:
        # Signed in but not (or no longer) in any school: say so kindly, not with an error.
        return render(request, "core/shell/no_school.html")
    counts = [(source, todo.count_of(source, access)) for source in todo.sources()]
    return render(
        request,
        "core/home.html",
        {
            "items": todo.collect(access),
            "source_counts": counts,
            # The navigation badge reuses this total instead of counting again.
            "todo_count": sum(n for _source, n in counts),
        },
    )
