def shell(request):
    """What the base layout needs on every page: current school, access, navigation."""
    return {
        "current_school": getattr(request, "school", None),
        "access": getattr(request, "access", None),
    }
