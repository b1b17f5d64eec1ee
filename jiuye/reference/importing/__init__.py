"""Import fields of reference data other apps' import kinds use: a place of the district
typed as a code or a name, and disability categories."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.importing.fields import Field, FieldError, ManyLookup, fold
from jiuye.reference.models import DisabilityCategory, Region


def _category_names(category: DisabilityCategory) -> list[str]:
    return [str(category.code), category.name.removesuffix("残疾")]


def categories_field(
    target: str, header: str, synonyms: tuple[str, ...], *, blank: str, example: str
) -> ManyLookup:
    """Disability categories by name (视力 or 视力残疾) or code (1–7), separated by 、; ``blank``
    says what an empty cell means."""
    return ManyLookup(
        target,
        header,
        synonyms,
        queryset=lambda: DisabilityCategory.objects.filter(disabled_at__isnull=True),
        also=_category_names,
        missing=gettext_lazy(
            "“%(v)s”不是残疾类别。可填：视力、听力、言语、肢体、智力、精神、多重。"
        ),
        note=f"视力、听力、言语、肢体、智力、精神、多重（或代码 1–7），用顿号分开；{blank}",
        example=example,
    )


@dataclass(frozen=True)
class Place(Field):
    """A town or village of the district: its 12-digit code, a town's name, or a village's
    name (with its town's before it when several towns have one of that name)."""

    _cache: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def reset(self) -> None:
        self._cache.clear()

    def _tables(self) -> tuple[dict[str, Region], dict[str, str | None]]:
        if not self._cache:
            regions = list(
                Region.objects.filter(
                    level__in=(Region.Level.TOWN, Region.Level.VILLAGE), disabled_at__isnull=True
                )
            )
            towns = {r.code[:9]: r for r in regions if r.level == Region.Level.TOWN}
            names: dict[str, str | None] = {}
            for region in regions:
                town = towns.get(region.code[:9])
                if region.level == Region.Level.TOWN:
                    names[fold(region.name)] = region.code
                    continue
                if town is not None:
                    names[fold(town.name + region.name)] = region.code
                plain = fold(region.name)
                # A village name repeated in several towns needs its town.
                names[plain] = None if plain in names else region.code
            self._cache.update(codes={r.code: r for r in regions}, names=names)
        return self._cache["codes"], self._cache["names"]

    def empty(self) -> Any:
        raise FieldError(_("请填写工作地点（12位区划代码或镇街名称）。"))

    def parse(self, text: str, *, by: Any) -> Any:
        codes, names = self._tables()
        folded = fold(text)
        if folded.isdigit():
            if folded not in codes:
                raise FieldError(
                    _("区划代码“%(v)s”不是本区的镇街或村（社区），请核对。") % {"v": folded}
                )
            return codes[folded]
        if folded in names and names[folded] is None:
            raise FieldError(
                _("“%(v)s”在几个镇街都有，请写成“镇街名称 村社区名称”或填区划代码。")
                % {"v": text.strip()}
            )
        if names.get(folded) is None:
            raise FieldError(
                _("没有叫“%(v)s”的镇街或村（社区），请核对名称或填区划代码。") % {"v": text.strip()}
            )
        return codes[names[folded]]

    def values(self, value: Any) -> dict[str, Any]:
        return {f"{self.target}_id": None if value is None else value.code}

    def export(self, obj: Model, *, reveal: bool) -> str:
        return getattr(obj, f"{self.target}_id") or ""
