"""The demo seeder registry: apps register, the command runs them by declared order."""

from __future__ import annotations

import pytest

from jiuye.core import demo


@pytest.fixture
def empty_registry(monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(demo, "_SEEDERS", {})


def test_seeders_run_by_their_declared_order_not_by_registration(empty_registry) -> None:  # noqa: ANN001
    @demo.seeder("later", order=20)
    def later(*, seed: int) -> int:
        return seed

    @demo.seeder("first", order=10)
    def first(*, seed: int) -> int:
        return 0

    assert [s.label for s in demo.seeders()] == ["first", "later"]
    assert demo.seeders()[1].run(seed=7) == 7


def test_two_seeders_may_not_share_an_order(empty_registry) -> None:  # noqa: ANN001
    @demo.seeder("one", order=10)
    def one(*, seed: int) -> int:
        return 0

    with pytest.raises(ValueError, match="order 10 is taken"):

        @demo.seeder("two", order=10)
        def two(*, seed: int) -> int:
            return 0


def test_every_app_demo_module_is_registered() -> None:
    # core's ready() discovered them: the registry app imports none of these apps.
    assert [s.label for s in demo.seeders()] == [
        "employment records",
        "employer declarations",
        "service records",
        "postings, fairs and referrals",
        "training, competitions and massage",
        "organizations, charity projects and leaders",  # programs 三, order 63
        "auxiliary employment and labour projects",  # programs 五, order 65
        "rural bases, supports and monitoring exchange",  # programs 六, order 66
        "graduates exchanged with the education bureau",  # programs 七, order 77
        "programs: consultation meetings",  # programs 二, order 102
        "programs: platform partners",  # programs 四, order 104
        "programs: medical massage",  # programs 八, order 108
        "programs: service institutions",  # programs 十, order 110
        "programs: service exchange and contest events",  # programs 十, order 111
        "complaints and suggestions",  # grievances, order 120
        "self-registration applications",  # people, order 125
    ]


def test_load_demo_makes_the_bound_records_before_the_accounts_and_the_plan_data_after() -> None:
    assert [s.label for s in demo.seeders("load_demo")] == [
        "persons of the demo accounts",
        "employer of the demo accounts",
        "demo accounts",
        "self-registration applicant",  # people, order 35
        "employer sign-up waiting for verification",  # employers, order 36
        "plan reports and targets",
        "demo town boundaries",  # reference, order 50
    ]


def test_an_order_is_unique_within_one_command_only(empty_registry) -> None:  # noqa: ANN001
    @demo.seeder("data", order=10)
    def data(*, seed: int) -> int:
        return 0

    @demo.seeder("accounts", order=10, command="load_demo")
    def accounts() -> list:
        return []

    assert [s.label for s in demo.seeders()] == ["data"]
    assert [s.label for s in demo.seeders("load_demo")] == ["accounts"]
