"""The models of every program, one module each; ``AUDITED`` lists what the audit trail keeps."""

from __future__ import annotations

from typing import Any

from jiuye.programs.models.auxiliary import (
    AuxIncome,
    AuxInstitution,
    AuxMembership,
    LabourAllocation,
    LabourDelivery,
    LabourProject,
)
from jiuye.programs.models.charity import (
    CharityBeneficiary,
    CharityProject,
    EmploymentLeader,
    LeaderJob,
    Organization,
)
from jiuye.programs.models.consultation import ConsultationMeeting, FollowUpAction
from jiuye.programs.models.graduates import DegreeLevel, GraduateRecord
from jiuye.programs.models.institutions import (
    ChecklistEntry,
    EventParticipant,
    ServiceEvent,
    ServiceInstitution,
)
from jiuye.programs.models.massage import MassageApplication, MedicalInstitution
from jiuye.programs.models.platforms import PlatformCommitment, PlatformPartner
from jiuye.programs.models.rural import (
    MonitoringExchange,
    RuralBase,
    RuralBaseSupport,
)

AUDITED: list[Any] = [
    AuxInstitution,
    AuxMembership,
    LabourProject,
    LabourAllocation,
    LabourDelivery,
    AuxIncome,
    Organization,
    EmploymentLeader,
    LeaderJob,
    CharityProject,
    CharityBeneficiary,
    GraduateRecord,
    RuralBase,
    RuralBaseSupport,
    MonitoringExchange,
    ConsultationMeeting,
    FollowUpAction,
    PlatformPartner,
    PlatformCommitment,
    MedicalInstitution,
    MassageApplication,
    ServiceInstitution,
    ChecklistEntry,
    ServiceEvent,
    EventParticipant,
]

__all__ = [
    "AUDITED",
    "AuxIncome",
    "AuxInstitution",
    "AuxMembership",
    "CharityBeneficiary",
    "CharityProject",
    "ChecklistEntry",
    "ConsultationMeeting",
    "DegreeLevel",
    "EmploymentLeader",
    "EventParticipant",
    "FollowUpAction",
    "GraduateRecord",
    "LabourAllocation",
    "LabourDelivery",
    "LabourProject",
    "LeaderJob",
    "MassageApplication",
    "MedicalInstitution",
    "MonitoringExchange",
    "Organization",
    "PlatformCommitment",
    "PlatformPartner",
    "RuralBase",
    "RuralBaseSupport",
    "ServiceEvent",
    "ServiceInstitution",
]
