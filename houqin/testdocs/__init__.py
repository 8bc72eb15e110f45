"""A tiny document app used only by the test suite to exercise core's document machinery
(numbering, state machine, approvals, timeline) without any real domain. Installed only
while testing."""
