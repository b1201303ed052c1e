"""Write the seeded sample data: a French Climate Convention-shaped pool and a small first-steps example."""

import csv
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from stratification import format_quotas_csv, load_shares, quotas_from_shares

SEED = 2019  # the Convention citoyenne pour le climat was drawn in 2019
HERE = Path(__file__).resolve().parent
PANEL_SIZE = 150
TOLERANCE = 1  # seats each quota may stray from proportional; 1 is feasible with a wide margin
POOL_SIZE = 2500
SHARED_PAIRS = 62  # ~5% of the pool lives with one other volunteer

# --- Census figures -----------------------------------------------------------------------------
# Gender: Insee, estimations de population au 1er janvier 2022 (France métropolitaine), as
# republished by INED ("Population par sexe et âge au 1er janvier", July 2022). The 16+ were taken
# as everyone minus 4/5 of the under-20s: women 27.87 M, men 25.46 M.
GENDER = {"woman": 52.3, "man": 47.7}

# Age and occupation: Insee, RP2020 exploitation complémentaire, table POP6 "Population de 15 ans
# ou plus par sexe, âge et catégorie socioprofessionnelle" (France métropolitaine, géographie au
# 01/01/2023). Head counts per census age band; columns follow OCCUPATIONS (PCS in 8 groups).
OCCUPATIONS = ("agriculteurs", "artisans-commerçants-chefs d'entreprise", "cadres", "professions intermédiaires",
               "employés", "ouvriers", "retraités", "autres inactifs")
POP6 = {
    "15-19": (1056, 8231, 3883, 61691, 232939, 269992, 0, 3422337),
    "20-24": (8029, 44344, 174064, 575747, 881260, 638754, 2, 1346922),
    "25-39": (87660, 527983, 1940759, 2953747, 2865967, 2174289, 3647, 1239849),
    "40-54": (165388, 863632, 2172406, 2925026, 3069858, 2335283, 45291, 1174771),
    "55-64": (119559, 404773, 902718, 1095275, 1339494, 915843, 2457587, 1003882),
    "65+": (22657, 78303, 109561, 71394, 94306, 62995, 12096445, 752424),
}
# The Convention's bands cut across the census ones; people are spread evenly over a band's years.
AGE_FROM_POP6 = {"16-24": {"15-19": 4 / 5, "20-24": 1}, "25-34": {"25-39": 2 / 3}, "35-44": {"25-39": 1 / 3, "40-54": 1 / 3},
                 "45-54": {"40-54": 2 / 3}, "55-64": {"55-64": 1}, "65+": {"65+": 1}}
AGES = tuple(AGE_FROM_POP6)

# Education: Insee, RP2020 exploitation principale, table FOR T2 "Diplôme le plus élevé de la
# population non scolarisée de 15 ans ou plus" (France entière). The first four levels are as
# published (Insee groups "no diploma" with the CEP); the 31.7% holding a higher-education diploma
# is split by this script about one third bac+2, two thirds bac+3 or more, as in earlier censuses.
EDUCATION = {"aucun diplôme ou CEP": 21.1, "brevet": 5.4, "CAP-BEP": 24.4, "bac": 17.4, "bac+2": 10.9, "bac+3 ou plus": 20.8}

# Territory: Insee Focus n° 169 (November 2019), grille communale de densité, population in 2016:
# 38% densely populated, 30% intermediate, 29% sparse, 4% very sparse (published rounded; 101 total).
TERRITORY = {"urbain dense": 38, "densité intermédiaire": 30, "rural peu dense": 29, "rural très peu dense": 4}

# Region: Insee, populations légales 2021 (population municipale, in force on 1 January 2024); the
# overseas value adds Guadeloupe, Martinique, Guyane, La Réunion and Mayotte (census 2017: 256,518).
# Each row: population, département codes (for postcodes), territory mix (dense, intermediate,
# sparse, very sparse) in %. The mixes are this script's estimates, tuned so that only Île-de-France,
# PACA and Hauts-de-France have over a third in dense communes and the nation lands near TERRITORY.
REGIONS = {
    "Auvergne-Rhône-Alpes": (8114361, "01 03 07 15 26 38 42 43 63 69 73 74", (30, 30, 33, 7)),
    "Bourgogne-Franche-Comté": (2800194, "21 25 39 58 70 71 89 90", (18, 30, 43, 9)),
    "Bretagne": (3394567, "22 29 35 56", (22, 32, 44, 2)),
    "Centre-Val de Loire": (2573303, "18 28 36 37 41 45", (22, 28, 44, 6)),
    "Corse": (347597, "20", (30, 20, 34, 16)),
    "Grand Est": (5561287, "08 10 51 52 54 55 57 67 68 88", (26, 30, 38, 6)),
    "Hauts-de-France": (5995292, "02 59 60 62 80", (36, 35, 27, 2)),
    "Île-de-France": (12317279, "75 77 78 91 92 93 94 95", (78, 15, 6, 1)),
    "Normandie": (3327966, "14 27 50 61 76", (22, 30, 45, 3)),
    "Nouvelle-Aquitaine": (6069352, "16 17 19 23 24 33 40 47 64 79 86 87", (22, 30, 41, 7)),
    "Occitanie": (6022176, "09 11 12 30 31 32 34 46 48 65 66 81 82", (28, 28, 37, 7)),
    "Pays de la Loire": (3853999, "44 49 53 72 85", (22, 35, 41, 2)),
    "Provence-Alpes-Côte d'Azur": (5127840, "04 05 06 13 83 84", (55, 28, 14, 3)),
    "outre-mer": (384315 + 360749 + 286618 + 871157 + 256518, "971 972 973 974 976", (35, 45, 19, 1)),
}

# --- Population model (joint structure the census tables do not publish) ----------------------
# Women outlive men, so the share of women rises with age (about 52% overall, as GENDER says).
WOMEN_BY_AGE = {"16-24": 0.50, "25-34": 0.50, "35-44": 0.50, "45-54": 0.50, "55-64": 0.52, "65+": 0.57}
# Manual jobs are mostly held by men and clerical ones by women; factors on OCCUPATIONS' columns.
OCCUPATION_BY_GENDER = {"woman": (0.6, 0.6, 0.85, 1.1, 1.55, 0.45, 1, 1.1), "man": (1.4, 1.4, 1.15, 0.9, 0.45, 1.55, 1, 0.9)}
# Highest diploma by age, columns as EDUCATION. Insee, France portrait social 2021: 12% of 25-34s
# have at most the brevet vs 28% of 55-64s; 71% vs 40% have the bac or more. The 16-24 are often
# still studying, so their highest diploma so far is the bac or less.
EDUCATION_BY_AGE = {
    "16-24": (12, 11, 15, 38, 12, 12),
    "25-34": (9, 3, 16, 23, 14, 35),
    "35-44": (11, 3, 20, 19, 15, 32),
    "45-54": (17, 5, 27, 17, 13, 21),
    "55-64": (23, 6, 31, 13, 11, 16),
    "65+": (42, 7, 25, 11, 6, 9),
}
# Occupation shifts the diploma: executives are mostly bac+3 or more, workers CAP-BEP or less.
EDUCATION_BY_OCCUPATION = {
    "agriculteurs": (1.0, 1.0, 1.5, 1.2, 0.8, 0.3),
    "artisans-commerçants-chefs d'entreprise": (0.9, 0.9, 1.4, 1.1, 0.9, 0.7),
    "cadres": (0.05, 0.1, 0.15, 0.5, 1.0, 4.5),
    "professions intermédiaires": (0.2, 0.4, 0.7, 1.3, 2.2, 1.4),
    "employés": (0.9, 1.3, 1.4, 1.3, 0.8, 0.4),
    "ouvriers": (1.7, 1.2, 1.7, 0.8, 0.3, 0.12),
    "retraités": (1, 1, 1, 1, 1, 1),
    "autres inactifs": (1.4, 1.4, 0.9, 1.0, 0.7, 0.6),
}
# Self-selection, the usual pattern of invitation-based recruitment: graduates and the over-50s
# answer more often; the young, people without diplomas and overseas residents less often.
PROPENSITY_AGE = {"16-24": 0.45, "25-34": 0.7, "35-44": 0.85, "45-54": 1.0, "55-64": 1.4, "65+": 1.25}
PROPENSITY_EDUCATION = {"aucun diplôme ou CEP": 0.45, "brevet": 0.7, "CAP-BEP": 0.85, "bac": 1.0, "bac+2": 1.3,
                        "bac+3 ou plus": 1.7}
PROPENSITY_OVERSEAS = 0.4

# --- Obviously fake identities -----------------------------------------------------------------
FIRST_NAMES = {
    "woman": "Marie Nathalie Isabelle Sylvie Catherine Françoise Valérie Sophie Céline Julie Camille Léa Manon Chloé Emma "
             "Inès Jeanne Louise Hélène Martine Claire Émilie".split(),
    "man": "Jean Pierre Michel Philippe Alain Nicolas Patrick Christophe Éric Laurent Stéphane Julien David Thomas Sébastien "
           "Lucas Hugo Louis Nathan Antoine François Jacques".split(),
}
LAST_NAMES = ("Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefebvre Leroy Roux David "
              "Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Lefèvre Faure André Mercier Guérin").split()
STREETS = ("rue de l'Exemple", "avenue du Modèle", "place de l'Essai", "chemin du Brouillon", "allée de la Maquette",
           "boulevard du Témoin", "impasse du Prototype", "rue de la Fiction", "route de l'Échantillon", "quai du Test")
TOWN_PREFIXES = ("Saint-", "Mont-", "Bourg-", "Val-", "Pont-", "Ville-", "Port-", "Bois-")
TOWN_ROOTS = ("Exemple", "Modèle", "Essai", "Maquette", "Brouillon", "Témoin", "Fiction", "Prototype")
FEATURES = ("gender", "age", "education", "occupation", "territory", "region")
CONTACT = ("id", "first_name", "last_name", "email", "phone", "address", "postcode", "city")

# --- The small first-steps example -------------------------------------------------------------
SMALL_SIZE, SMALL_PAIRS = 100, 3
SMALL_AGE = {"16-24": "16-34", "25-34": "16-34", "35-44": "35-54", "45-54": "35-54", "55-64": "55+", "65+": "55+"}
# Hand-set for 12 seats: gender is exact, every other value has one seat of slack.
SMALL_QUOTAS = (("gender", "woman", 6, 6), ("gender", "man", 6, 6), ("age", "16-34", 3, 4), ("age", "35-54", 4, 5),
                ("age", "55+", 4, 5), ("territory", "urban", 7, 8), ("territory", "rural", 4, 5))


def draw(rng: np.random.Generator, values: Sequence[str], weights: Iterable[float] | None = None) -> str:
    """One value, with probability proportional to its weight (all equally likely without weights)."""
    if weights is None:
        return values[int(rng.integers(len(values)))]
    p = np.asarray(weights, dtype=float)
    return values[int(rng.choice(len(p), p=p / p.sum()))]


def count_by_age() -> dict[str, np.ndarray]:
    """Head counts per Convention age band and occupation, from the census bands of POP6."""
    return {age: sum(w * np.asarray(POP6[band], dtype=float) for band, w in parts.items())
            for age, parts in AGE_FROM_POP6.items()}


def compute_shares() -> list[tuple[str, str, float]]:
    """The census shares in percent, feature by feature in FEATURES order."""
    counts = count_by_age()
    head_counts = {
        "age": {age: float(row.sum()) for age, row in counts.items()},
        "occupation": dict(zip(OCCUPATIONS, map(float, sum(counts.values())))),
        "region": {region: float(row[0]) for region, row in REGIONS.items()},
    }
    shares: dict[str, dict[str, float]] = {"gender": GENDER, "education": EDUCATION, "territory": TERRITORY}  # in % already
    for feature, counted in head_counts.items():
        shares[feature] = {value: round(100 * n / sum(counted.values()), 2) for value, n in counted.items()}
    return [(feature, value, share) for feature in FEATURES for value, share in shares[feature].items()]


def draw_candidate(rng: np.random.Generator, occupation_by_age: dict[str, np.ndarray], ages: np.ndarray) -> dict:
    """A resident aged 16+ drawn from the population model (before anyone volunteers)."""
    region = draw(rng, list(REGIONS), [row[0] for row in REGIONS.values()])
    age = draw(rng, AGES, ages)
    gender = draw(rng, ("woman", "man"), (WOMEN_BY_AGE[age], 1 - WOMEN_BY_AGE[age]))
    occupation = draw(rng, OCCUPATIONS, occupation_by_age[age] * OCCUPATION_BY_GENDER[gender])
    education = draw(rng, list(EDUCATION), np.multiply(EDUCATION_BY_AGE[age], EDUCATION_BY_OCCUPATION[occupation]))
    territory = draw(rng, list(TERRITORY), REGIONS[region][2])
    return dict(gender=gender, age=age, education=education, occupation=occupation, territory=territory, region=region)


def draw_volunteers(rng: np.random.Generator, count: int) -> list[dict[str, str]]:
    """Residents who answer the invitation, each kept with a propensity to volunteer."""
    counts = count_by_age()
    occupation_by_age = {age: row / row.sum() for age, row in counts.items()}
    ages = np.array([row.sum() for row in counts.values()])
    highest = max(PROPENSITY_AGE.values()) * max(PROPENSITY_EDUCATION.values())
    people: list[dict[str, str]] = []
    while len(people) < count:
        person = draw_candidate(rng, occupation_by_age, ages)
        propensity = PROPENSITY_AGE[person["age"]] * PROPENSITY_EDUCATION[person["education"]]
        propensity *= PROPENSITY_OVERSEAS if person["region"] == "outre-mer" else 1.0
        if rng.random() < propensity / highest:
            people.append(person)
    return people


def build_towns(rng: np.random.Generator) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Three fictional towns (postcode, name) per region and territory type, in the region's real départements."""
    towns = {}
    for region, (_, departments, _) in REGIONS.items():
        for territory in TERRITORY:
            codes = [draw(rng, departments.split()) for _ in range(3)]
            # Five digits ending in 0 like most French postcodes: 69 -> 69230, 974 -> 97410.
            postcodes = [f"{code}{int(rng.integers(1, 10 ** (4 - len(code)))) * 10:0{5 - len(code)}d}" for code in codes]
            towns[region, territory] = [(postcode, draw(rng, TOWN_PREFIXES) + draw(rng, TOWN_ROOTS)) for postcode in postcodes]
    return towns


def add_emails(people: list[dict[str, str]]) -> None:
    """Addresses at example.org from the final names, in ASCII: Émilie Lefèvre -> emilie.lefevre.fr00042."""
    for person in people:
        name = f"{person['first_name']}.{person['last_name']}.{person['id']}".lower()
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        person["email"] = re.sub(r"[^a-z0-9.]+", "-", ascii_name) + "@example.org"


def add_identities(people: list[dict[str, str]], rng: np.random.Generator, prefix: str, digits: int) -> None:
    """Give everyone a fake name, a clearly fake phone number and an address no one else has."""
    towns = build_towns(rng)
    taken: set[tuple[str, str]] = set()  # only for membership tests, never iterated
    for n, person in enumerate(people, start=1):
        first, last = draw(rng, FIRST_NAMES[person["gender"]]), draw(rng, LAST_NAMES)
        postcode, city = towns[person["region"], person["territory"]][int(rng.integers(3))]
        address = ""
        while not address or (address, postcode) in taken:  # a shared address must be deliberate
            address = f"{int(rng.integers(1, 200))} {draw(rng, STREETS)}"
        taken.add((address, postcode))
        phone = f"+33 6 00 00 {n // 100:02d} {n % 100:02d}"  # visibly made up: 06 00 00, then the row number
        person.update(id=f"{prefix}{n:0{digits}d}", first_name=first, last_name=last, phone=phone,
                      address=address, postcode=postcode, city=city)


def share_addresses(people: list[dict[str, str]], rng: np.random.Generator, pairs: int) -> None:
    """Move some volunteers in with another of the same region and territory (couples, flatmates)."""
    waiting: dict[tuple[str, str], dict[str, str]] = {}
    for i in rng.permutation(len(people)):
        person = people[int(i)]
        mate = waiting.pop((person["region"], person["territory"]), None)
        if mate is None:
            waiting[person["region"], person["territory"]] = person
            continue
        person.update(address=mate["address"], postcode=mate["postcode"], city=mate["city"])
        if rng.random() < 0.5:  # about half are couples sharing a surname
            person["last_name"] = mate["last_name"]
        pairs -= 1
        if pairs == 0:
            return


def write_csv(path: Path, header, rows) -> None:
    """UTF-8, no BOM, "\\n" line ends: byte-identical on every platform and run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_france(rng: np.random.Generator) -> None:
    """shares.csv from the census, features.csv from the shares, people.csv from the model."""
    folder = HERE / "france"
    write_csv(folder / "shares.csv", ("feature", "value", "share"), compute_shares())
    # Exactly what `sortition quotas --shares ... --panel-size 150 --tolerance 1` runs.
    quotas = quotas_from_shares(load_shares(folder / "shares.csv"), PANEL_SIZE, TOLERANCE)
    (folder / "features.csv").write_text(format_quotas_csv(quotas), encoding="utf-8")
    people = draw_volunteers(rng, POOL_SIZE)
    add_identities(people, rng, "FR", 5)
    share_addresses(people, rng, SHARED_PAIRS)
    add_emails(people)  # after couples took one surname, so each email matches its name
    counts = Counter((feature, person[feature]) for person in people for feature in FEATURES)
    short = [f"{q.feature}={q.value}" for q in quotas.quotas if counts[q.feature, q.value] < 2 * q.max]
    if short:  # the README promises at least twice each quota's maximum, so the quotas are easy to meet
        raise SystemExit(f"too few volunteers for {', '.join(short)}")
    write_csv(folder / "people.csv", CONTACT + FEATURES, [[p[c] for c in CONTACT + FEATURES] for p in people])


def write_small(rng: np.random.Generator) -> None:
    """A 100-person pool with three features and hand-set quotas for a 12-seat panel."""
    folder = HERE / "small"
    people = draw_volunteers(rng, SMALL_SIZE)
    add_identities(people, rng, "P", 3)
    share_addresses(people, rng, SMALL_PAIRS)
    add_emails(people)
    for person in people:
        person["age"] = SMALL_AGE[person["age"]]
        person["territory"] = "urban" if person["territory"] in ("urbain dense", "densité intermédiaire") else "rural"
    columns = ("id", "first_name", "last_name", "email", "address", "postcode", "city", "gender", "age", "territory")
    write_csv(folder / "people.csv", columns, [[p[c] for c in columns] for p in people])
    write_csv(folder / "features.csv", ("feature", "value", "min", "max"), SMALL_QUOTAS)


def main() -> None:
    """Regenerate every sample file; the same bytes on every run."""
    france_rng, small_rng = np.random.default_rng(SEED).spawn(2)
    write_france(france_rng)
    write_small(small_rng)


if __name__ == "__main__":
    main()
