"""The canteen's rules (SPEC §6), as data: national defaults with their source. A school may
tighten a figure (``houqin.core.compliance.set_value``), never loosen it. The canteen's records
are validated against the school's figures and its daily alerts read them."""

from django.utils.translation import gettext_lazy as _

from houqin.core import compliance
from houqin.core.compliance import Kind, Rule

SCHOOL_FOOD_RULES = "学校食品安全与营养健康管理规定（2019）"

SAMPLE_GRAMS = compliance.register(Rule(
    key="canteen.sample_grams", area="canteen", order=10, kind=Kind.MINIMUM, default=125,
    unit=_("g"), title=_("Food samples: weight of each dish's sample"),
    source=SCHOOL_FOOD_RULES + "；GB 31654-2021 食品安全国家标准 餐饮服务通用卫生规范",
    text="每餐次的食品成品应留样。留样食品应按品种分别盛放于清洗消毒后的专用密闭容器内，"
    "在专用冷藏设备中冷藏存放48小时以上。每个品种的留样量应能满足检验检测需要，且不少于125g。"
    "应记录留样食品名称、留样量、留样时间、留样人员等。",
    roles=("canteen_manager",),
))
SAMPLE_HOURS = compliance.register(Rule(
    key="canteen.sample_hours", area="canteen", order=11, kind=Kind.MINIMUM, default=48,
    unit=_("hours"), title=_("Food samples: hours kept refrigerated"),
    source=SCHOOL_FOOD_RULES + "；GB 31654-2021",
    text="在专用冷藏设备中冷藏存放48小时以上。",
    roles=("canteen_manager",),
))
SAMPLE_EVERY_DISH = compliance.register(Rule(
    key="canteen.sample_every_dish", area="canteen", order=12, kind=Kind.DUTY, default=True,
    title=_("Food samples: every dish of every meal"),
    source=SCHOOL_FOOD_RULES + " 第三十八条",
    text="学校食堂应当建立食品留样制度，对每餐次加工制作的每种食品成品进行留样。",
    roles=("canteen_manager",),
))
ACCOMPANIED_MEAL = compliance.register(Rule(
    key="canteen.accompanied_meal", area="canteen", order=20, kind=Kind.DUTY, default=True,
    title=_("A school leader eats every meal served with the students, with a record"),
    source=SCHOOL_FOOD_RULES + " 第九条",
    text="中小学、幼儿园应当建立集中用餐陪餐制度，每餐均应当有学校相关负责人与学生共同用餐，"
    "做好陪餐记录，及时发现和解决集中用餐过程中存在的问题。",
    roles=("principal", "director"),
))
MORNING_CHECK = compliance.register(Rule(
    key="canteen.morning_check", area="canteen", order=30, kind=Kind.DUTY, default=True,
    title=_("Every food handler has a morning health check before work"),
    source=SCHOOL_FOOD_RULES + " 第二十七条",
    text="从业人员每日上岗前应进行健康检查。患有发热、腹泻、咽部炎症等病症及皮肤有伤口或者感染的"
    "从业人员，应当暂停从事接触直接入口食品的工作。",
    roles=("canteen_manager",),
))
HEALTH_CERT_WARN_DAYS = compliance.register(Rule(
    key="canteen.health_certificate_warn_days", area="canteen", order=40, kind=Kind.MINIMUM,
    default=30, unit=_("days"), title=_("Health certificates: warn before expiry"),
    source=SCHOOL_FOOD_RULES + " 第二十七条",
    text="从事接触直接入口食品工作的从业人员应当每年进行健康检查，取得健康证明后方可上岗工作。",
    roles=("canteen_manager",),
))
GOODS_RECORD_MONTHS = compliance.register(Rule(
    key="canteen.goods_record_months", area="canteen", order=50, kind=Kind.MINIMUM, default=6,
    unit=_("months"), title=_("Incoming goods: records kept past the shelf life"),
    source="中华人民共和国食品安全法 第五十条、第五十三条",
    text="进货查验记录和相关凭证保存期限不得少于产品保质期满后六个月；没有明确保质期的，"
    "保存期限不得少于二年。",
    roles=("canteen_manager",),
))
GOODS_RECORD_MONTHS_NO_SHELF_LIFE = compliance.register(Rule(
    key="canteen.goods_record_months_no_shelf_life", area="canteen", order=51,
    kind=Kind.MINIMUM, default=24, unit=_("months"),
    title=_("Incoming goods without a shelf life: records kept"),
    source="中华人民共和国食品安全法 第五十条",
    text="没有明确保质期的，保存期限不得少于二年。",
    roles=("canteen_manager",),
))
DISINFECTION_EVERY_MEAL = compliance.register(Rule(
    key="canteen.disinfection_every_meal", area="canteen", order=60, kind=Kind.DUTY,
    default=True, title=_("Tableware disinfected and recorded after every meal"),
    source="GB 31654-2021 食品安全国家标准 餐饮服务通用卫生规范",
    text="餐用具使用后应及时洗净，定位存放，保持清洁。消毒后的餐用具应贮存在专用保洁设施内。",
    roles=("canteen_manager",),
))
