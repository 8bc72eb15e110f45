"""The safety rules (SPEC §6), as data: national defaults with their source. A school may
tighten a figure (``houqin.core.compliance.set_value``), never loosen it. The inspection
schedules, hazards, drills and equipment checks read the school's figures from here."""

from django.utils.translation import gettext_lazy as _

from houqin.core import compliance
from houqin.core.compliance import Kind, Rule

MPS61 = "机关、团体、企业、事业单位消防安全管理规定（公安部令第61号）"

FIRE_PATROL_DAYS = compliance.register(Rule(
    key="safety.fire_patrol_days", area="safety", order=10, kind=Kind.MAXIMUM, default=1,
    unit=_("days"), title=_("Fire patrol: days between patrols"),
    source=MPS61 + " 第二十五条",
    text="消防安全重点单位应当进行每日防火巡查，并确定巡查的人员、内容、部位和频次。"
    "巡查的内容应当包括：用火、用电有无违章情况；安全出口、疏散通道是否畅通，安全疏散指示标志、"
    "应急照明是否完好；消防设施、器材和消防安全标志是否在位、完整；常闭式防火门是否处于关闭状态；"
    "消防安全重点部位的人员在岗情况；其他消防安全情况。",
    roles=("guard", "director"),
))
FIRE_PATROL_AT_NIGHT = compliance.register(Rule(
    key="safety.fire_patrol_at_night", area="safety", order=11, kind=Kind.DUTY, default=False,
    title=_("Fire patrol also at night (boarding schools)"),
    source=MPS61 + " 第二十五条",
    text="学校、幼儿园……应当加强夜间防火巡查。",
    roles=("guard",),
))
FIRE_INSPECTION_MONTHS = compliance.register(Rule(
    key="safety.fire_inspection_months", area="safety", order=20, kind=Kind.MAXIMUM, default=3,
    unit=_("months"), title=_("Fire inspection: months between inspections"),
    source=MPS61 + " 第二十六条",
    text="机关、团体、事业单位应当至少每季度进行一次防火检查。检查人员和被检查部门负责人应当在检查"
    "记录上签名。",
    roles=("director",),
))
FIRE_INSPECTION_SIGNATURES = compliance.register(Rule(
    key="safety.fire_inspection_signatures", area="safety", order=21, kind=Kind.DUTY,
    default=True, title=_("Fire inspection signed by the inspector and the inspected department's head"),
    source=MPS61 + " 第二十六条",
    text="检查人员和被检查部门负责人应当在检查记录上签名。",
    roles=("director", "dept_head"),
))
FIRE_SYSTEM_TEST_MONTHS = compliance.register(Rule(
    key="safety.fire_system_test_months", area="safety", order=30, kind=Kind.MAXIMUM,
    default=12, unit=_("months"), title=_("Fire systems: months between full tests"),
    source="中华人民共和国消防法 第十六条",
    text="对建筑消防设施每年至少进行一次全面检测，确保完好有效，检测记录应当完整准确，存档备查。",
    roles=("director",),
))
EXTINGUISHER_CHECK_MONTHS = compliance.register(Rule(
    key="safety.extinguisher_check_months", area="safety", order=40, kind=Kind.MAXIMUM,
    default=1, unit=_("months"), title=_("Fire extinguishers: months between checks"),
    source="GB 50444 建筑灭火器配置验收及检查规范",
    text="灭火器的配置、外观等应按附录C的要求每月进行一次检查。",
    roles=("guard", "director"),
))
DRILL_MONTHS = compliance.register(Rule(
    key="safety.drill_months", area="safety", order=50, kind=Kind.MAXIMUM, default=1,
    unit=_("months"), title=_("Evacuation drills: months between drills"),
    source="教育部办公厅关于加强中小学幼儿园安全风险防控体系建设的意见（教基一厅〔2014〕2号）",
    text="中小学每月至少开展1次应急疏散演练，幼儿园每季度至少开展1次。",
    roles=("director",),
))
EVACUATION_SECONDS = compliance.register(Rule(
    key="safety.evacuation_seconds", area="safety", order=51, kind=Kind.MAXIMUM, default=120,
    unit=_("seconds"), title=_("Evacuation time target (buildings of up to 4 floors)"),
    source="中小学幼儿园应急疏散演练指南",
    text="4层以下（含4层）的教学楼，全部人员疏散完毕的时间一般不超过2分钟。",
    roles=("director",),
))
SECURITY_PATROLS_PER_DAY = compliance.register(Rule(
    key="safety.security_patrols_per_day", area="safety", order=60, kind=Kind.MINIMUM,
    default=5, unit=_("patrols a day"), title=_("Security patrols of key areas each day"),
    source="GB/T 29315-2022 中小学、幼儿园安全技术防范系统要求（及2012版）",
    text="重点部位每日巡查不少于5次；门卫室24小时值守。",
    roles=("guard",),
))
VIDEO_KEEP_DAYS = compliance.register(Rule(
    key="safety.video_keep_days", area="safety", order=61, kind=Kind.MINIMUM, default=30,
    unit=_("days"), title=_("CCTV recordings kept"),
    source="GB/T 29315-2022 中小学、幼儿园安全技术防范系统要求",
    text="视频图像信息保存期限不少于30天。",
    roles=("guard",),
))
CAMERA_FIX_HOURS = compliance.register(Rule(
    key="safety.camera_fix_hours", area="safety", order=62, kind=Kind.MAXIMUM, default=24,
    unit=_("hours"), title=_("Security system faults fixed within"),
    source="GB/T 29315-2022 中小学、幼儿园安全技术防范系统要求",
    text="系统发生故障应在24小时内修复。",
    roles=("director",),
))
HAZARD_REPORT_HOURS = compliance.register(Rule(
    key="safety.hazard_report_hours", area="safety", order=70, kind=Kind.MAXIMUM, default=24,
    unit=_("hours"), title=_("Hazards reported within"),
    source="中小学幼儿园安全管理办法；学校安全隐患排查整治常规做法",
    text="发现安全隐患应在24小时内报告，重大隐患立即报告；危房应在24小时内报告教育行政部门。",
    roles=("staff", "guard", "director"),
))
HAZARD_VERIFIED_BY_OTHER = compliance.register(Rule(
    key="safety.hazard_verified_by_other", area="safety", order=71, kind=Kind.DUTY,
    default=True, title=_("A hazard is verified by someone other than its fixer"),
    source="学校安全隐患排查整治常规做法",
    text="隐患整改完成后由整改责任人以外的人员验收销号，未经验收不得销号。",
    roles=("director",),
))
HAZARD_OFFICE_CHECK_DAYS = compliance.register(Rule(
    key="safety.office_check_days", area="safety", order=72, kind=Kind.MAXIMUM, default=7,
    unit=_("days"), title=_("Offices check their own areas every"),
    source="学校安全隐患排查整治常规做法",
    text="处室每周自查，安全领导小组每月排查，学校每学期全面排查。",
    roles=("dept_head",),
))
SAFETY_GROUP_CHECK_DAYS = compliance.register(Rule(
    key="safety.safety_group_check_days", area="safety", order=73, kind=Kind.MAXIMUM,
    default=31, unit=_("days"), title=_("The safety group checks the school every"),
    source="学校安全隐患排查整治常规做法",
    text="处室每周自查，安全领导小组每月排查，学校每学期全面排查。",
    roles=("director",),
))
BUILDING_INSPECTION_PER_TERM = compliance.register(Rule(
    key="safety.building_inspection_per_term", area="safety", order=80, kind=Kind.MINIMUM,
    default=1, unit=_("inspections a term"), title=_("Full building inspections each term"),
    source="地方校舍安全管理规定（常规做法）",
    text="每学期对校舍进行一次全面检查，雨季、汛期前增加检查。",
    roles=("director",),
))
ELECTRICAL_CHECK_MONTHS = compliance.register(Rule(
    key="safety.electrical_check_months", area="safety", order=81, kind=Kind.MAXIMUM,
    default=1, unit=_("months"), title=_("Electrical circuits and lightning protection: months between checks"),
    source="地方校舍安全管理规定（常规做法）",
    text="电气线路及防雷设施每月检查一次。",
    roles=("director", "worker"),
))
REGULATION_REVIEW_MONTHS = compliance.register(Rule(
    key="safety.regulation_review_months", area="safety", order=90, kind=Kind.MAXIMUM,
    default=12, unit=_("months"), title=_("Regulations and emergency plans reviewed every"),
    source="学校安全管理常规做法",
    text="规章制度和应急预案每年至少评审修订一次。",
    roles=("director",),
))
