"""Examples of the main operations for the schema (Swagger UI, generated clients' docs, fuzzers' first cases).

Values from the seed catalogue (`manage.py seed`): 店长 is role 3, 客服主管 4, 店铺客服 5; the 电子商务部
department is 2, the 专员 grade 5. Error messages as the server words them in English.
tests/roles/test_api_schema.py checks every example against its schema.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample

ROLE_URL = "https://roleatlas.example.com/api/v1/roles/"

CS_CARD = {
    "id": 5,
    "url": f"{ROLE_URL}5/",
    "title": "店铺客服",
    "slug": "store-cs",
    "code": "EC-004",
    "status": "published",
    "department": 3,
    "department_name": "客服组",
    "grade": 5,
    "grade_name": "专员",
    "parent": 4,
    "level": 4,
    "summary": "通过聊天软件解答顾客咨询,引导顾客完成交易,处理售后问题与一般投诉,维护客户关系。",
    "headcount": 1,
    "work_location": "",
    "prepared_on": None,
    "updated_at": "2026-03-02T10:15:00+08:00",
}
CS_DETAIL = {
    **CS_CARD,
    "authority": "",
    "internal_relations": "",
    "external_relations": "",
    "working_conditions": "",
    "review_cycle": "",
    "career_path": "",
    "shifts": ["白班"],
    "duties": [
        {"order": 1, "text": "处理网站客人售前咨询,引导其交易完成"},
        {"order": 2, "text": "实行顾客问责制,处理网站客人有关售后的问题"},
    ],
    "requirement": {
        "experience_years": "1.00",
        "experience_text": "有一年以上淘宝客服工作经验。",
        "education_level": "associate",
        "education_text": "大专以上学历",
        "majors": "",
        "physical": "",
        "other": "",
    },
    "skills": [{"order": 1, "text": "熟悉淘宝各种操作规则"}],
    "kpis": [{"order": 1, "name": "咨询转化率考核", "target": "≥ 40%", "measurement": ""}],
    "dotted_line_superiors": [],
    "subordinates": [],
}
NEW_ROLE = {
    "title": "直播运营",
    "slug": "live-ops",
    "department": 2,
    "grade": 5,
    "parent": 3,
    "summary": "策划并主持店铺直播,介绍商品,解答观众提问。",
    "duties": [{"text": "策划每周直播内容与排期"}, {"text": "主持直播,介绍商品并解答观众提问"}],
}

ROLE_LIST = [
    OpenApiExample(
        "PublishedRoles", summary=_("A page of the catalogue"), value=CS_CARD, response_only=True, status_codes=[200]
    ),
]
ROLE_DETAIL = [
    OpenApiExample(
        "JobDescription",
        summary=_("A job description as a visitor reads it"),
        value=CS_DETAIL,
        response_only=True,
        status_codes=[200],
    ),
]
SLUG_TAKEN = OpenApiExample(
    "SlugTaken",
    summary=_("Another role has this slug"),
    value={"slug": ["role with this slug already exists."]},
    response_only=True,
    status_codes=[400],
)
ROLE_CREATE = [
    OpenApiExample("NewRole", summary=_("A new role under the store manager"), value=NEW_ROLE, request_only=True),
    SLUG_TAKEN,
]
NEW_DUTIES = {"headcount": 2, "duties": [{"text": "处理售前咨询"}, {"text": "处理售后问题"}]}
ROLE_UPDATE = [
    OpenApiExample(
        "NewDuties",
        summary=_("New duties replace the stored ones"),
        value={
            "title": "店铺客服",
            "slug": "store-cs",
            "department": 3,
            "grade": 5,
            "parent": 4,
            "summary": CS_CARD["summary"],
            **NEW_DUTIES,
        },
        request_only=True,
    ),
    SLUG_TAKEN,
]
ROLE_PARTIAL_UPDATE = [
    OpenApiExample("NewDuties", summary=_("New duties replace the stored ones"), value=NEW_DUTIES, request_only=True),
    SLUG_TAKEN,
]
ROLE_DELETE = [
    OpenApiExample(
        "HasSubordinates",
        summary=_("The role still has subordinates"),
        value={
            "detail": "“客服主管” still has subordinates: 店铺客服. Move or delete them first.",
            "code": "has_subordinates",
        },
        response_only=True,
        status_codes=[409],
    ),
]
MOVE = [
    OpenApiExample(
        "UnderCsSupervisor",
        summary=_("Last under the customer-service supervisor"),
        value={"target": 4, "position": "last-child"},
        request_only=True,
    ),
    OpenApiExample(
        "Cycle",
        summary=_("Under one of its own subordinates"),
        value={"target": ["A role cannot report to itself or to one of its own subordinates."]},
        response_only=True,
        status_codes=[400],
    ),
]
PAY_ESTIMATE = [
    OpenApiExample(
        "AMonth",
        summary=_("A month of the shop customer service"),
        value={"performance_score": "85", "late_count": 1, "sales_amount": "120000.00"},
        request_only=True,
    ),
    OpenApiExample(
        "AMonth",
        summary=_("A month of the shop customer service"),
        value={
            "base_salary": "2800.00",
            "attendance_bonus": "280.00",
            "performance_bonus": "600.00",
            "commission": "600.00",
            "special_bonus": "0.00",
            "total": "4280.00",
            "attendance_bonus_cancelled": False,
            "performance_rate": "1.00",
            "reasons": [
                "Full-attendance bonus: 10% of the base salary.",
                "Performance bonus: score 85 is 80 or above, so 100% of the full amount is paid.",
                "Commission: 0.5% of sales of 120000.",
            ],
        },
        response_only=True,
        status_codes=[200],
    ),
    OpenApiExample(
        "ScoreAbove100",
        summary=_("A score above 100"),
        value={"performance_score": ["Ensure this value is less than or equal to 100."]},
        response_only=True,
        status_codes=[400],
    ),
]
PAY_WARNING = [
    OpenApiExample(
        "ThreeMonths",
        summary=_("Three months below the mark"),
        value={
            "months": [
                {"performance_score": "58", "met_base_target": False},
                {"performance_score": "55", "met_base_target": False},
                {"performance_score": "59", "met_base_target": True},
            ]
        },
        request_only=True,
    ),
    OpenApiExample(
        "ThreeMonths",
        summary=_("Three months below the mark"),
        value={
            "warning": True,
            "months": [0, 1, 2],
            "reasons": [
                "Dismissal warning: 3 consecutive months missed the base target or scored under 60.",
                "Month 1: the base target was missed; the score 58 is under 60.",
                "Month 2: the base target was missed; the score 55 is under 60.",
                "Month 3: the score 59 is under 60.",
            ],
        },
        response_only=True,
        status_codes=[200],
    ),
]
TREE = [
    OpenApiExample(
        "TopOfTheTree",
        summary=_("The top of the tree"),
        # A row: the schema shows it in its list.
        value={
            "id": 1,
            "parent": None,
            "title": "总经理",
            "slug": "general-manager",
            "department": 1,
            "grade": 1,
            "status": "published",
            "url": f"{ROLE_URL}1/",
        },
        response_only=True,
        status_codes=[200],
    ),
]
