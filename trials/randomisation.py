"""Allocation algorithms of a randomised trial: pure, no database, reproducible from a seed.

Two algorithms (CONSORT 2010 items 8-9):

- **Permuted blocks of random size within strata.** Each stratum has its own list of blocks. A block
  holds every arm `ratio x multiple` times in a random order, and its multiple is drawn afresh for every
  block from the trial's list, so nobody who knows the last few allocations can tell where a block ends.
  Within every completed block the arms are exactly in the ratio.
- **Minimisation** (Pocock and Simon 1975) with a biased coin: each new person goes, with probability `p`,
  to the arm that least increases the imbalance summed over their level of every factor (counts divided by
  the arm's ratio, imbalance measured as the range); otherwise to one of the others at random. Ties are
  broken at random, weighted by the ratio. The random numbers come from the seed, one pair per position.

The whole sequence is made when the trial starts (`sequence_make`) from a seed drawn then; its SHA-256
(`sequence_hash`) is shown so it can be published in the protocol before anyone is randomised, and the same
seed always makes the same sequence (`random.Random` seeded with an integer is stable across Python versions).
"""

import hashlib
import itertools
import json
import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

BLOCKS, MINIMISATION = "permuted_blocks", "minimisation"
DRAW_SCALE = 1_000_000  # random numbers are stored as whole numbers below this, read as a fraction of it


@dataclass(frozen=True)
class Arm:
    code: str
    ratio: int


def seed_new() -> str:
    """A fresh seed (256 bits), drawn when a trial starts."""
    return secrets.token_hex(32)


def _rng(seed: str, *parts: str) -> random.Random:
    """A generator of its own for each use of the seed (each stratum, the minimisation draws)."""
    digest = hashlib.sha256("\x1f".join((seed, *parts)).encode()).digest()
    return random.Random(int.from_bytes(digest, "big"))


def blocks_make(*, seed: str, stratum: str, arms: Sequence[Arm], multiples: Sequence[int], length: int) -> list[list[str]]:
    """Blocks for one stratum, enough to hold `length` people: each block a shuffled list of arm codes."""
    unit = [arm.code for arm in arms for _ in range(arm.ratio)]
    rng = _rng(seed, BLOCKS, stratum)
    blocks, total = [], 0
    while total < length:
        block = unit * rng.choice(list(multiples))
        rng.shuffle(block)
        blocks.append(block)
        total += len(block)
    return blocks


def draws_make(*, seed: str, length: int) -> list[list[int]]:
    """Two random numbers per position for minimisation: the biased coin and the tie-break."""
    rng = _rng(seed, MINIMISATION)
    return [[rng.randrange(DRAW_SCALE), rng.randrange(DRAW_SCALE)] for _ in range(length)]


def strata_keys(levels: Mapping[str, Sequence[str]]) -> list[str]:
    """Every stratum of the chosen factors: "age_band=18-25|route=deferred_caution"; "" with no factor."""
    factors = sorted(levels)
    return ["|".join(f"{factor}={level}" for factor, level in zip(factors, combination))
            for combination in itertools.product(*(levels[factor] for factor in factors))]


def stratum_key(person_levels: Mapping[str, str]) -> str:
    return "|".join(f"{factor}={person_levels[factor]}" for factor in sorted(person_levels))


def sequence_make(*, algorithm: str, seed: str, arms: Sequence[Arm], levels: Mapping[str, Sequence[str]],
                  multiples: Sequence[int], length: int) -> dict[str, list]:
    """The trial's whole sequence: for blocks, each stratum's blocks; for minimisation, the draws (key "")."""
    if algorithm == BLOCKS:
        return {key: blocks_make(seed=seed, stratum=key, arms=arms, multiples=multiples, length=length)
                for key in strata_keys(levels)}
    return {"": draws_make(seed=seed, length=length)}


def sequence_hash(*, algorithm: str, arms: Sequence[Arm], sequence: Mapping[str, list]) -> str:
    """SHA-256 of the sequence written canonically (sorted keys, no spaces): what the protocol publishes."""
    text = json.dumps({"algorithm": algorithm, "arms": [[arm.code, arm.ratio] for arm in arms], "sequence": sequence},
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def block_arm(blocks: Sequence[Sequence[str]], position: int) -> str:
    """The arm at `position` (0 = the stratum's first person) of a stratum's blocks."""
    return list(itertools.chain.from_iterable(blocks))[position]


def minimisation_arm(*, arms: Sequence[Arm], counts: Mapping[tuple[str, str], Mapping[str, int]],
                     person_levels: Mapping[str, str], draw: Sequence[int], probability: float) -> str:
    """Pocock-Simon: the arm for a person with `person_levels`, given the counts so far per (factor, level) and arm.

    `draw` is the position's pair of stored random numbers; `probability` the biased coin's chance of the best arm.
    """
    def imbalance_if(candidate: Arm) -> float:
        total = 0.0
        for factor, level in person_levels.items():
            already = counts.get((factor, level), {})
            scaled = [(already.get(arm.code, 0) + (arm.code == candidate.code)) / arm.ratio for arm in arms]
            total += max(scaled) - min(scaled)
        return total

    coin, tie = draw[0] / DRAW_SCALE, draw[1] / DRAW_SCALE
    scores = {arm.code: imbalance_if(arm) for arm in arms}
    best_score = min(scores.values())
    best = [arm for arm in arms if scores[arm.code] == best_score]
    others = [arm for arm in arms if scores[arm.code] != best_score]
    if not others:
        return _weighted(best, tie)
    return _weighted(best, tie) if coin < probability else _weighted(others, tie)


def _weighted(arms: Sequence[Arm], fraction: float) -> str:
    """The arm whose share of the ratios holds `fraction` (0 <= fraction < 1)."""
    total = sum(arm.ratio for arm in arms)
    point = fraction * total
    for arm in arms:
        if point < arm.ratio:
            return arm.code
        point -= arm.ratio
    return arms[-1].code
