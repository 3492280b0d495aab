"""The allocation algorithms on their own, over 10,000 simulated people: balance, no pattern, reproducible."""

import random
from collections import Counter, defaultdict
from itertools import pairwise

from scipy.stats import chi2_contingency, chisquare

from trials import randomisation
from trials.randomisation import Arm

ARMS_2_1 = [Arm("treatment", 2), Arm("control", 1)]
LEVELS = {"route": ["caution", "charge"], "age_band": ["18-25", "26+"], "area": ["EX", "PL", "TQ", "TR", "other"]}
SEED = "a3" * 32


def simulated_people(count: int, *, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    return [{factor: rng.choice(levels) for factor, levels in LEVELS.items()} for _ in range(count)]


def test_permuted_blocks_keep_every_completed_block_exactly_in_ratio_within_every_stratum_over_10000_people():
    people = simulated_people(10_000)
    sequence = randomisation.sequence_make(algorithm=randomisation.BLOCKS, seed=SEED, arms=ARMS_2_1, levels=LEVELS,
                                           multiples=[1, 2, 3], length=10_000)
    assert len(sequence) == 20  # every stratum of 2 x 2 x 5 levels has its own blocks
    given: dict[str, list[str]] = defaultdict(list)
    for person in people:
        key = randomisation.stratum_key(person)
        given[key].append(randomisation.block_arm(sequence[key], len(given[key])))
    assert sum(len(arms) for arms in given.values()) == 10_000
    completed_blocks = 0
    for key, arms in given.items():
        start = 0
        for block in sequence[key]:
            if start + len(block) > len(arms):  # the stratum's last block, not completed
                tail = Counter(arms[start:])
                assert abs(tail["treatment"] - 2 * tail["control"]) <= len(block)
                break
            counts = Counter(arms[start:start + len(block)])
            assert counts["treatment"] == 2 * counts["control"] == 2 * len(block) // 3  # exactly 2:1 in the block
            completed_blocks += 1
            start += len(block)
        overall = Counter(arms)
        assert abs(overall["treatment"] - 2 * overall["control"]) <= 9  # never further off than the largest block
    assert completed_blocks > 1_000


def test_block_sizes_follow_no_pattern():
    blocks = randomisation.blocks_make(seed=SEED, stratum="", arms=ARMS_2_1, multiples=[1, 2, 3], length=60_000)
    sizes = [len(block) // 3 for block in blocks]
    frequency = Counter(sizes)
    assert set(frequency) == {1, 2, 3}
    assert chisquare([frequency[m] for m in (1, 2, 3)]).pvalue > 0.001  # each size about as often
    transitions = [[0] * 3 for _ in range(3)]
    for before, after in pairwise(sizes):
        transitions[before - 1][after - 1] += 1
    assert chi2_contingency(transitions).pvalue > 0.001  # the next size does not depend on the last one
    for period in range(1, 50):  # and the sizes do not repeat with a short period
        assert any(sizes[i] != sizes[i + period] for i in range(len(sizes) - period))
    # Nor does the order inside a block: the treatment arm is first in a block of one multiple about 2 times in 3.
    firsts = Counter(block[0] for block in blocks if len(block) == 3)
    share = firsts["treatment"] / sum(firsts.values())
    assert 0.62 < share < 0.71


def minimise(people, *, probability: float, seed: str = SEED, arms=(Arm("a", 1), Arm("b", 1))):
    draws = randomisation.draws_make(seed=seed, length=len(people))
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    given = []
    for person, draw in zip(people, draws):
        arm = randomisation.minimisation_arm(arms=list(arms), counts=counts, person_levels=person, draw=draw,
                                             probability=probability)
        for factor, level in person.items():
            counts[(factor, level)][arm] += 1
        given.append(arm)
    return given, counts


def test_minimisation_keeps_every_factor_level_within_a_small_bound_over_10000_people():
    people = simulated_people(10_000)
    given, counts = minimise(people, probability=0.8)
    worst = max(abs(arms["a"] - arms["b"]) for arms in counts.values())
    total = Counter(given)
    # Measured with this seed: 1 at most for any level, 0 overall (the bound leaves room for another seed). Simple randomisation of 10,000 people is off by
    # about 100 per level (1.96 x sqrt(n) at 95%), which the second half of the test shows on the same people.
    assert worst <= 6
    assert abs(total["a"] - total["b"]) <= 6
    coin = random.Random(3)
    simple: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for person in people:
        arm = coin.choice("ab")
        for factor, level in person.items():
            simple[(factor, level)][arm] += 1
    assert max(abs(arms["a"] - arms["b"]) for arms in simple.values()) > 5 * worst


def test_minimisation_with_the_biased_coin_is_not_deterministic():
    """With p = 0.8 about one person in five whose best arm is clear goes to the other: nobody can predict every arm."""
    people = simulated_people(2_000)
    certain, _ = minimise(people, probability=1.0)
    biased, _ = minimise(people, probability=0.8)
    differing = sum(1 for one, two in zip(certain, biased) if one != two)
    assert 100 < differing < 1_500


def test_minimisation_follows_the_ratio():
    given, _ = minimise(simulated_people(6_000), probability=0.8, arms=(Arm("a", 2), Arm("b", 1)))
    total = Counter(given)
    assert abs(total["a"] - 2 * total["b"]) <= 12


def test_the_same_seed_makes_the_same_sequence_and_hash_and_another_seed_does_not():
    def made(seed):
        sequence = randomisation.sequence_make(algorithm=randomisation.BLOCKS, seed=seed, arms=ARMS_2_1, levels=LEVELS,
                                               multiples=[1, 2], length=300)
        return sequence, randomisation.sequence_hash(algorithm=randomisation.BLOCKS, arms=ARMS_2_1, sequence=sequence)

    first, again, other = made(SEED), made(SEED), made("b4" * 32)
    assert first == again
    assert first[1] != other[1] and first[0] != other[0]
    assert len(first[1]) == 64
    draws = randomisation.draws_make(seed=SEED, length=50)
    assert draws == randomisation.draws_make(seed=SEED, length=50) != randomisation.draws_make(seed="c5" * 32, length=50)


def test_a_published_hash_is_that_of_the_known_sequence():
    """The hash is over the canonical text, so anyone with the seed can re-make it: a fixed seed gives a fixed hash."""
    arms = [Arm("scheme", 1), Arm("usual", 1)]
    sequence = randomisation.sequence_make(algorithm=randomisation.BLOCKS, seed="0" * 64, arms=arms, levels={}, multiples=[1],
                                           length=4)
    assert sequence.keys() == {""}
    assert all(sorted(block) == ["scheme", "usual"] for block in sequence[""])
    import hashlib
    import json
    text = json.dumps({"algorithm": randomisation.BLOCKS, "arms": [["scheme", 1], ["usual", 1]], "sequence": sequence},
                      sort_keys=True, separators=(",", ":"))
    assert randomisation.sequence_hash(algorithm=randomisation.BLOCKS, arms=arms, sequence=sequence) == hashlib.sha256(
        text.encode()).hexdigest()
