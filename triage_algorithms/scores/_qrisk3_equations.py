# SPDX-License-Identifier: LGPL-3.0-or-later
# Derived from ClinRisk Ltd.'s QRISK3-2017 code; the rest of myhealth is MIT-licensed.
"""The QRISK3-2017 equations: coefficients and arithmetic, nothing else.

Every number below is copied from ClinRisk's open-source QRISK3-2017 C code (functions
``cvd_female_raw`` and ``cvd_male_raw``, © 2017 ClinRisk Ltd., released under the GNU Lesser
General Public License v3), as published at https://qrisk.org/src.php and redistributed with the
CRAN package QRISK3 (``inst/extdata/QRISK3_2017_src.txt``). The lines were extracted by a
script from that text, keeping the published digits (trailing zeros dropped), and re-checked
against the R transcription in the same package (``R/QRISK3-2017ver9.R``).

The arithmetic follows the C code step by step: fractional polynomial transforms of age and
BMI, centring on the derivation means, the conditional (ethnicity and smoking) sums, the
continuous and yes/no terms, the age interactions, and finally
``100 * (1 - survivor ** exp(a))`` with the ten-year baseline survivor.

ClinRisk's additional terms ask that this disclaimer be held together with any score:
The initial version of this file, to be found at http://svn.clinrisk.co.uk/opensource/qrisk2,
faithfully implements QRISK3-2017. ClinRisk Ltd. have released this code under the GNU Lesser
General Public License to enable others to implement the algorithm faithfully. However, the
nature of the GNU Lesser General Public License is such that we cannot prevent, for example,
someone accidentally altering the coefficients, getting the inputs wrong, or just poor
programming. ClinRisk Ltd. stress, therefore, that it is the responsibility of the end user to
check that the source that they receive produces the same results as the original code found
at https://qrisk.org. Inaccurate implementations of risk scores can lead to wrong patients being
given the wrong treatment.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from triage_algorithms.core import N_

# Shown with every score (a reason of the outcome), so it is a message of the catalogue.
DISCLAIMER = N_(
    "QRISK3-2017 is © ClinRisk Ltd. and released under the GNU Lesser General Public Licence. "
    "ClinRisk Ltd. stress that it is the responsibility of the end user to check that an "
    "implementation produces the same results as the original code found at https://qrisk.org; "
    "inaccurate implementations of risk scores can lead to wrong patients being given the wrong "
    "treatment."
)

# The yes/no inputs, by their question ids (C names in brackets): atrial_fibrillation (b_AF),
# atypical_antipsychotics (b_atypicalantipsy), corticosteroids (b_corticosteroids),
# erectile_dysfunction (b_impotence2, men only), migraine (b_migraine), rheumatoid_arthritis
# (b_ra), ckd_3_5 (b_renal), severe_mental_illness (b_semi), sle (b_sle), treated_hypertension
# (b_treatedhyp), diabetes_type1 (b_type1), diabetes_type2 (b_type2), family_history_chd
# (fh_cvd). Continuous: chol_hdl_ratio (rati), sbp (sbp), sbp_sd (sbps5), townsend (town).
CONDITIONS = (
    "atrial_fibrillation",
    "atypical_antipsychotics",
    "corticosteroids",
    "erectile_dysfunction",
    "migraine",
    "rheumatoid_arthritis",
    "ckd_3_5",
    "severe_mental_illness",
    "sle",
    "treated_hypertension",
    "diabetes_type1",
    "diabetes_type2",
    "family_history_chd",
)


@dataclass(frozen=True)
class Equation:
    survivor: float  # baseline survival at 10 years (survivor[10] in the C code)
    age_powers: tuple[int, int]  # age_1 = (age/10)**p1, age_2 = (age/10)**p2
    centres: Mapping[str, float]
    ethnicity: tuple[float, ...]  # Iethrisk[1..9], by QRISK3 ethnicity code 1..9
    smoking: tuple[float, ...]  # Ismoke[0..4], by smoking category 0..4
    terms: Mapping[str, float]  # continuous and yes/no terms
    age_1_terms: Mapping[str, float]  # interactions with age_1 ("smoking_k": smoke_cat == k)
    age_2_terms: Mapping[str, float]  # interactions with age_2


FEMALE = Equation(
    survivor=0.988876402378082,
    age_powers=(-2, 1),
    centres={
        "age_1": 0.053274843841791,
        "age_2": 4.332503318786621,
        "bmi_1": 0.154946178197861,
        "bmi_2": 0.144462317228317,
        "chol_hdl_ratio": 3.47632646560669,
        "sbp": 123.13001251220703,
        "sbp_sd": 9.002537727355957,
        "townsend": 0.392308831214905,
    },
    ethnicity=(
        0.0,
        0.28040314332995425,
        0.56298994142075398,
        0.29590000851116516,
        0.072785379877982545,
        -0.17072135508857317,
        -0.39371043314874971,
        -0.32632495283530272,
        -0.17127056883241784,
    ),
    smoking=(
        0.0,
        0.13386833786546262,
        0.56200858012438537,
        0.66749593377502547,
        0.84948177644830847,
    ),
    terms={
        "age_1": -8.1388109247726188,
        "age_2": 0.79733376689699098,
        "bmi_1": 0.29236092275460052,
        "bmi_2": -4.1513300213837665,
        "chol_hdl_ratio": 0.15338035820802554,
        "sbp": 0.013131488407103424,
        "sbp_sd": 0.0078894541014586095,
        "townsend": 0.077223790588590108,
        "atrial_fibrillation": 1.5923354969269663,
        "atypical_antipsychotics": 0.25237642070115557,
        "corticosteroids": 0.59520725304601851,
        "migraine": 0.301267260870345,
        "rheumatoid_arthritis": 0.21364803435181942,
        "ckd_3_5": 0.65194569493845833,
        "severe_mental_illness": 0.12555308058820178,
        "sle": 0.75880938654267693,
        "treated_hypertension": 0.50931593683423004,
        "diabetes_type1": 1.7267977510537347,
        "diabetes_type2": 1.0688773244615468,
        "family_history_chd": 0.45445319020896213,
    },
    age_1_terms={
        "smoking_1": -4.7057161785851891,
        "smoking_2": -2.7430383403573337,
        "smoking_3": -0.86608088829392182,
        "smoking_4": 0.90241562369710648,
        "atrial_fibrillation": 19.938034889546561,
        "corticosteroids": -0.98408045235936281,
        "migraine": 1.7634979587872999,
        "ckd_3_5": -3.5874047731694114,
        "sle": 19.690303738638292,
        "treated_hypertension": 11.872809733921812,
        "diabetes_type1": -1.2444332714320747,
        "diabetes_type2": 6.8652342000009599,
        "bmi_1": 23.802623412141742,
        "bmi_2": -71.184947692087007,
        "family_history_chd": 0.99467807940435127,
        "sbp": 0.034131842338615485,
        "townsend": -1.0301180802035639,
    },
    age_2_terms={
        "smoking_1": -0.075589244643193026,
        "smoking_2": -0.11951192874867074,
        "smoking_3": -0.10366306397571923,
        "smoking_4": -0.13991853591718389,
        "atrial_fibrillation": -0.076182651011162505,
        "corticosteroids": -0.12005364946742472,
        "migraine": -0.065586917898699859,
        "ckd_3_5": -0.22688873086442507,
        "sle": 0.077347949679016273,
        "treated_hypertension": 0.00096857823588174436,
        "diabetes_type1": -0.28724064624488949,
        "diabetes_type2": -0.097112252590695489,
        "bmi_1": 0.52369958933664429,
        "bmi_2": 0.045744190122323759,
        "family_history_chd": -0.076885051698423038,
        "sbp": -0.0015082501423272358,
        "townsend": -0.031593414674962329,
    },
)

MALE = Equation(
    survivor=0.977268040180206,
    age_powers=(-1, 3),
    centres={
        "age_1": 0.234766781330109,
        "age_2": 77.284080505371094,
        "bmi_1": 0.149176135659218,
        "bmi_2": 0.141913309693336,
        "chol_hdl_ratio": 4.300998687744141,
        "sbp": 128.57157897949219,
        "sbp_sd": 8.756621360778809,
        "townsend": 0.52630490064621,
    },
    ethnicity=(
        0.0,
        0.27719248760308279,
        0.47446360714931268,
        0.52961729919689371,
        0.035100159186299017,
        -0.35807899669327919,
        -0.4005648523216514,
        -0.41522792889830173,
        -0.26321348134749967,
    ),
    smoking=(
        0.0,
        0.19128222863388983,
        0.55241588192645552,
        0.63835053027506072,
        0.78983819881858019,
    ),
    terms={
        "age_1": -17.839781666005575,
        "age_2": 0.0022964880605765492,
        "bmi_1": 2.4562776660536358,
        "bmi_2": -8.3011122314711354,
        "chol_hdl_ratio": 0.17340196856327111,
        "sbp": 0.012910126542553305,
        "sbp_sd": 0.010251914291290456,
        "townsend": 0.033268201277287295,
        "atrial_fibrillation": 0.88209236928054657,
        "atypical_antipsychotics": 0.13046879855173513,
        "corticosteroids": 0.45485399750445543,
        "erectile_dysfunction": 0.22251859086705383,
        "migraine": 0.25584178074159913,
        "rheumatoid_arthritis": 0.20970658013956567,
        "ckd_3_5": 0.71853261288274384,
        "severe_mental_illness": 0.12133039882047164,
        "sle": 0.4401572174457522,
        "treated_hypertension": 0.51659871082695474,
        "diabetes_type1": 1.2343425521675175,
        "diabetes_type2": 0.85942071430932221,
        "family_history_chd": 0.54055469009390156,
    },
    age_1_terms={
        "smoking_1": -0.21011133933516346,
        "smoking_2": 0.75268676447503191,
        "smoking_3": 0.99315887556405791,
        "smoking_4": 2.1331163414389076,
        "atrial_fibrillation": 3.4896675530623207,
        "corticosteroids": 1.1708133653489108,
        "erectile_dysfunction": -1.506400985745431,
        "migraine": 2.3491159871402441,
        "ckd_3_5": -0.50656716327223694,
        "treated_hypertension": 6.5114581098532671,
        "diabetes_type1": 5.3379864878006531,
        "diabetes_type2": 3.6461817406221311,
        "bmi_1": 31.004952956033886,
        "bmi_2": -111.29157184391643,
        "family_history_chd": 2.7808628508531887,
        "sbp": 0.018858524469865853,
        "townsend": -0.1007554870063731,
    },
    age_2_terms={
        "smoking_1": -0.00049854870275326121,
        "smoking_2": -0.00079875633317385414,
        "smoking_3": -0.00083706184266251296,
        "smoking_4": -0.00078400319155637289,
        "atrial_fibrillation": -0.00034995608340636049,
        "corticosteroids": -0.0002496045095297166,
        "erectile_dysfunction": -0.0011058218441227373,
        "migraine": 0.00019896446041478631,
        "ckd_3_5": -0.0018325930166498813,
        "treated_hypertension": 0.00063838053104165013,
        "diabetes_type1": 0.0006409780808752897,
        "diabetes_type2": -0.00024695695588868315,
        "bmi_1": 0.0050380102356322029,
        "bmi_2": -0.013074483002524319,
        "family_history_chd": -0.00024791809907396037,
        "sbp": -0.00001271874191588457,
        "townsend": -0.000093299642323272888,
    },
)


def ten_year_risk(
    equation: Equation,
    *,
    age: int,
    bmi: float,
    ethnicity: int,
    smoking: int,
    chol_hdl_ratio: float,
    sbp: float,
    sbp_sd: float,
    townsend: float,
    conditions: Mapping[str, bool],
) -> float:
    """The ten-year risk of a heart attack or stroke, in percent, unrounded. Inputs must be in
    range (the caller validates them); ``conditions`` holds every name in CONDITIONS."""
    dage = age / 10
    dbmi = bmi / 10
    p1, p2 = equation.age_powers
    c = equation.centres
    x = {
        "age_1": dage**p1 - c["age_1"],
        "age_2": dage**p2 - c["age_2"],
        "bmi_1": dbmi**-2 - c["bmi_1"],
        "bmi_2": dbmi**-2 * math.log(dbmi) - c["bmi_2"],
        "chol_hdl_ratio": chol_hdl_ratio - c["chol_hdl_ratio"],
        "sbp": sbp - c["sbp"],
        "sbp_sd": sbp_sd - c["sbp_sd"],
        "townsend": townsend - c["townsend"],
    }
    x.update({name: float(bool(conditions[name])) for name in CONDITIONS})
    x.update({f"smoking_{k}": float(smoking == k) for k in range(1, 5)})

    a = equation.ethnicity[ethnicity - 1] + equation.smoking[smoking]
    a += sum(coefficient * x[name] for name, coefficient in equation.terms.items())
    a += sum(coef * x["age_1"] * x[name] for name, coef in equation.age_1_terms.items())
    a += sum(coef * x["age_2"] * x[name] for name, coef in equation.age_2_terms.items())
    return 100.0 * (1 - equation.survivor ** math.exp(a))
