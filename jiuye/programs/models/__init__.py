"""The models of every program, one module each; ``AUDITED`` lists what the audit trail keeps."""

from __future__ import annotations

from typing import Any

AUDITED: list[Any] = []

# 五 auxiliary employment and the labour-project bank
from jiuye.programs.models.auxiliary import (  # noqa: E402
    AuxIncome,
    AuxInstitution,
    AuxMembership,
    LabourAllocation,
    LabourDelivery,
    LabourProject,
)

AUDITED += [
    AuxInstitution,
    AuxMembership,
    LabourProject,
    LabourAllocation,
    LabourDelivery,
    AuxIncome,
]

# --- 三 organizations and charity projects (charity) ---
from jiuye.programs.models.charity import (  # noqa: E402
    CharityBeneficiary,
    CharityProject,
    EmploymentLeader,
    LeaderJob,
    Organization,
)

AUDITED += [Organization, EmploymentLeader, LeaderJob, CharityProject, CharityBeneficiary]


# 七 graduates
from jiuye.programs.models.graduates import DegreeLevel, GraduateRecord  # noqa: E402, F401

AUDITED += [GraduateRecord]


# --- rural (action 六) ---
from jiuye.programs.models.rural import (  # noqa: E402
    MonitoringExchange,
    RuralBase,
    RuralBaseSupport,
)

AUDITED += [RuralBase, RuralBaseSupport, MonitoringExchange]


# 二 consultation mechanism
from jiuye.programs.models.consultation import ConsultationMeeting, FollowUpAction  # noqa: E402

AUDITED += [ConsultationMeeting, FollowUpAction]

# 四 platform partners
from jiuye.programs.models.platforms import PlatformCommitment, PlatformPartner  # noqa: E402

AUDITED += [PlatformPartner, PlatformCommitment]

# 八 medical massage
from jiuye.programs.models.massage import MassageApplication, MedicalInstitution  # noqa: E402

AUDITED += [MedicalInstitution, MassageApplication]

# 十 service institutions
from jiuye.programs.models.institutions import ChecklistEntry, ServiceInstitution  # noqa: E402

AUDITED += [ServiceInstitution, ChecklistEntry]
