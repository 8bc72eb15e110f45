"""Each role's rights are its own: a module granting something to one role gives it to no other."""

from houqin.org.roles import ROLE_PERMISSIONS, Role


def test_no_two_roles_share_one_set_of_rights():
    sets = {}
    for role in Role.values:
        rights = ROLE_PERMISSIONS[role]
        assert id(rights) not in sets, f"{role} and {sets.get(id(rights))} share one set"
        sets[id(rights)] = role


def test_what_the_keeper_is_granted_no_department_head_gets():
    """The print room's and the stores' rights (the keeper's) stay with the keeper: a department
    head does not see exam papers or issue stock."""
    keeper_only = ROLE_PERMISSIONS[Role.KEEPER] - ROLE_PERMISSIONS[Role.DEPT_HEAD]
    assert {"stores.issue_stock", "assets.scan_stocktake"} <= keeper_only


def test_the_director_appoints_a_keeper_without_reading_exam_papers(school, make_member):
    """Granting a role needs its rights, except those that come with the job itself: the print
    room's confidential jobs."""
    from houqin.org.access import access_for
    from houqin.org.services import roles_beyond

    director = make_member(school, "director")
    assert roles_beyond(director, school, ["keeper", "worker"]) == []
    assert not access_for(director, school).has_perm("stores.run_printjob")
    clerk = make_member(school, "clerk")
    assert roles_beyond(clerk, school, ["principal"]) == ["principal"]
