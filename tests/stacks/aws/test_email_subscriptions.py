"""E-mail subscriptions are named by their address, so list edits replace nothing else."""

from tooling.synth import Resource, SynthResult, synth

SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"


def _by_endpoint(result: SynthResult, topic_suffix: str) -> dict[str, Resource]:
    """The subscriptions of the topic whose name ends with ``topic_suffix``, by address."""
    (topic,) = [t for t in result.of_type("aws:sns/topic:Topic") if t.name.endswith(topic_suffix)]
    return {
        s.inputs["endpoint"]: s
        for s in result.of_type(SUBSCRIPTION)
        if s.inputs["topic"] == topic.state["arn"]
    }


def test_removing_or_reordering_an_address_keeps_the_others() -> None:
    """Each remaining address keeps its URN when one is removed and the rest reordered."""
    before = synth(
        "dev",
        overrides={
            "crosscloud:alarmEmails": ["a@corp.dev", "b@corp.dev", "c@corp.dev"],
            "crosscloud:reportEmails": ["a@corp.dev", "b@corp.dev", "c@corp.dev"],
        },
    )
    after = synth(
        "dev",
        overrides={
            "crosscloud:alarmEmails": ["c@corp.dev", "a@corp.dev"],
            "crosscloud:reportEmails": ["c@corp.dev", "a@corp.dev"],
        },
    )
    for suffix in ("-alarms", "-report-topic"):
        old, new = _by_endpoint(before, suffix), _by_endpoint(after, suffix)
        assert len(old) == 3, suffix
        assert sorted(new) == ["a@corp.dev", "c@corp.dev"], suffix
        for email, subscription in new.items():
            assert subscription.urn == old[email].urn, (suffix, email)
        assert len({s.name for s in old.values()}) == 3


def test_the_name_ignores_case_and_a_duplicate_subscribes_once() -> None:
    """A@x and a@x are one mailbox: one subscription, with the first spelling."""
    result = synth("dev", overrides={"crosscloud:reportEmails": ["Ana@corp.dev", "ana@corp.dev"]})
    subscriptions = _by_endpoint(result, "-report-topic")
    assert list(subscriptions) == ["Ana@corp.dev"]


def test_only_the_alarm_topic_keeps_its_former_index_names() -> None:
    """The alarm topic existed with ``-email-<index>`` names: each aliases its position's name."""
    emails = ["a@corp.dev", "b@corp.dev"]
    result = synth(
        "dev", overrides={"crosscloud:alarmEmails": emails, "crosscloud:reportEmails": emails}
    )
    for index, email in enumerate(emails):
        alarm = _by_endpoint(result, "-alarms")[email]
        topic_name = alarm.name.rsplit("-email-", 1)[0]
        assert [a.get("name") for a in alarm.aliases] == [f"{topic_name}-email-{index}"]
        assert _by_endpoint(result, "-report-topic")[email].aliases == ()
