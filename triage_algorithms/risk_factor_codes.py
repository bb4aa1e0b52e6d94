"""The verified concept ids behind risk_factors: dm+d products of the medicine groups, and
SNOMED CT cancers and operations. Data only; each block names the published code list every
id was checked against (none was typed from memory)."""

from __future__ import annotations

# --- dm+d ids -------------------------------------------------------------------------------
# Where each block was checked: public GitHub repositories holding OpenCodelists downloads or
# NHS dm+d extracts, given as repository, then the file under codelists/ (OpenSAFELY) or
# under shared/clinical-code-sets/medications/ (gm-sde).
#   DOAC     opensafely/metfin_covid (also opensafely/PostOpCovid):
#            opensafely-direct-acting-oral-anticoagulants-doac.csv
#   WARFARIN opensafely/metfin_covid: opensafely-warfarin.csv
#   LMWH     opensafely/oral-anticoagulant-covid: opensafely-low-molecular-weight-heparins-dmd.csv
#   AZA      opensafely/Shared-Care-Monitoring: opensafely-azathioprine-dmd.csv
#   MTX      opensafely/immunosuppressant-meds-research: opensafely-methotrexate-oral.csv
#   MP       opensafely/immunosuppressant-meds-research: opensafely-mercaptopurine-dmd.csv
#   MMF      opensafely/immunosuppressant-meds-research: opensafely-mycophenolate.csv
#   CICLO    opensafely/immunosuppressant-meds-research: opensafely-ciclosporin-oral-dmd.csv
#   LEF      opensafely/RA_outcomes: opensafely-leflunomide-dmd.csv
#   SSZ      opensafely/immunosuppressant-meds-research: opensafely-sulfasalazine-oral-dmd.csv
#   COTRIM   JStanleyBris/Onboarding: user-jacklsbrist-trimethoprimsulfamethoxazole-dmd.csv
#   TAC, CLOZ, CBZ, LTG  UoM-Data-Science-Platforms/gm-sde: <name>/1/<name>.snomed.txt
#            (tacrolimus, clozapine, carbamazepine, lamotrigine)
# Every id also passes the SNOMED CT Verhoeff check digit (tests/triage_algorithms/
# test_risk_factors.py), which catches the ids a spreadsheet rounds (one copy of the
# methotrexate list had them and was not used; the tacrolimus list has them for its long ids,
# so only its short VMP ids are used).

DOAC = {  # DOAC
    "703907006": "Apixaban 2.5mg tablets",
    "703908001": "Apixaban 5mg tablets",
    "19524611000001102": "Apixaban 2.5mg tablets (VMP previous to 703907006)",
    "21681211000001107": "Apixaban 5mg tablets (VMP previous to 703908001)",
    "42206411000001101": "Apixaban 2.5mg tablets (VMP subsequent to 703907006)",
    "42206511000001102": "Apixaban 5mg tablets (VMP subsequent to 703908001)",
    "19506911000001105": "Eliquis 2.5mg tablets (Bristol-Myers Squibb Pharmaceuticals Ltd)",
    "21677511000001105": "Eliquis 5mg tablets (Bristol-Myers Squibb Pharmaceuticals Ltd)",
    "13532911000001104": "Dabigatran etexilate 75mg capsules",
    "13532811000001109": "Dabigatran etexilate 110mg capsules",
    "19469811000001101": "Dabigatran etexilate 150mg capsules",
    "13504711000001102": "Pradaxa 75mg capsules (Boehringer Ingelheim Ltd)",
    "13505411000001109": "Pradaxa 110mg capsules (Boehringer Ingelheim Ltd)",
    "19465811000001104": "Pradaxa 150mg capsules (Boehringer Ingelheim Ltd)",
    "29903211000001100": "Edoxaban 15mg tablets",
    "29903311000001108": "Edoxaban 30mg tablets",
    "29903411000001101": "Edoxaban 60mg tablets",
    "29902111000001100": "Lixiana 15mg tablets (Daiichi Sankyo UK Ltd)",
    "29902411000001105": "Lixiana 30mg tablets (Daiichi Sankyo UK Ltd)",
    "29902711000001104": "Lixiana 60mg tablets (Daiichi Sankyo UK Ltd)",
    "27810711000001104": "Rivaroxaban 2.5mg tablets",
    "14254711000001104": "Rivaroxaban 10mg tablets",
    "19842111000001101": "Rivaroxaban 15mg tablets",
    "19842211000001107": "Rivaroxaban 20mg tablets",
    "34819111000001102": "Rivaroxaban 15mg tablets and Rivaroxaban 20mg tablets",
    "27160311000001106": "Xarelto 2.5mg tablets (Bayer Plc)",
    "14237311000001106": "Xarelto 10mg tablets (Bayer Plc)",
    "19840811000001107": "Xarelto 15mg tablets (Bayer Plc)",
    "19841411000001101": "Xarelto 20mg tablets (Bayer Plc)",
    "34793111000001102": "Xarelto 15mg / 20mg treatment initiation pack (Bayer Plc)",
}

WARFARIN = {  # WARFARIN
    "319736008": "Warfarin 500microgram tablets",
    "319733000": "Warfarin 1mg tablets",
    "319734006": "Warfarin 3mg tablets",
    "375374009": "Warfarin 4mg tablets",
    "319735007": "Warfarin 5mg tablets",
    "42217811000001100": "Warfarin 500microgram tablets (VMP subsequent to 319736008)",
    "42217511000001103": "Warfarin 1mg tablets (VMP subsequent to 319733000)",
    "42217611000001104": "Warfarin 3mg tablets (VMP subsequent to 319734006)",
    "42217711000001108": "Warfarin 4mg tablets (VMP subsequent to 375374009)",
    "42217911000001105": "Warfarin 5mg tablets (VMP subsequent to 319735007)",
    "18290011000001102": "Warfarin 1mg/ml oral suspension sugar free",
    "204811000001109": "Marevan 500microgram tablets (Advanz Pharma)",
    "933311000001105": "Marevan 1mg tablets (Advanz Pharma)",
    "284011000001104": "Marevan 3mg tablets (Advanz Pharma)",
    "461911000001100": "Marevan 5mg tablets (Advanz Pharma)",
}

LMWH_BRANDS = {  # LMWH (AMPs; the VMPs are named "Enoxaparin sodium ..." and so on)
    "3826311000001101": "Clexane 20mg/0.2ml solution for injection pre-filled syringes",
    "3825411000001104": "Clexane 40mg/0.4ml solution for injection pre-filled syringes",
    "4199811000001101": "Clexane 60mg/0.6ml solution for injection pre-filled syringes",
    "4199511000001104": "Clexane 80mg/0.8ml solution for injection pre-filled syringes",
    "4199111000001108": "Clexane 100mg/1ml solution for injection pre-filled syringes",
    "4198711000001100": "Clexane Forte 120mg/0.8ml solution for injection pre-filled syringes",
    "4198211000001107": "Clexane Forte 150mg/1ml solution for injection pre-filled syringes",
    "11507011000001102": "Clexane 300mg/3ml solution for injection multidose vials",
    "34699911000001109": "Inhixa 20mg/0.2ml solution for injection pre-filled syringes",
    "34700211000001101": "Inhixa 40mg/0.4ml solution for injection pre-filled syringes",
    "34700511000001103": "Inhixa 60mg/0.6ml solution for injection pre-filled syringes",
    "34700811000001100": "Inhixa 80mg/0.8ml solution for injection pre-filled syringes",
    "34701011000001102": "Inhixa 100mg/1ml solution for injection pre-filled syringes",
    "36784211000001100": "Inhixa 120mg/0.8ml solution for injection pre-filled syringes",
    "36784411000001101": "Inhixa 150mg/1ml solution for injection pre-filled syringes",
    "38232211000001100": "Inhixa 300mg/3ml solution for injection multidose vials",
    "35569511000001101": "Arovi 20mg/0.2ml solution for injection pre-filled syringes",
    "35569011000001109": "Arovi 40mg/0.4ml solution for injection pre-filled syringes",
    "35568611000001106": "Arovi 60mg/0.6ml solution for injection pre-filled syringes",
    "35567911000001101": "Arovi 80mg/0.8ml solution for injection pre-filled syringes",
    "35566911000001104": "Arovi 100mg/1ml solution for injection pre-filled syringes",
    "35559211000001107": "Arovi 120mg/0.8ml solution for injection pre-filled syringes",
    "35559411000001106": "Arovi 150mg/1ml solution for injection pre-filled syringes",
    "3840411000001109": "Fragmin 2,500units/0.2ml solution for injection pre-filled syringes",
    "3723611000001103": "Fragmin 5,000units/0.2ml solution for injection pre-filled syringes",
    "4864211000001108": "Fragmin 7,500units/0.3ml solution for injection pre-filled syringes",
    "3967611000001107": "Fragmin 10,000units/0.4ml solution for injection pre-filled syringes",
    "3970311000001105": "Fragmin 10,000units/1ml solution for injection pre-filled syringes",
    "3968911000001100": "Fragmin 10,000units/1ml solution for injection ampoules",
    "3969411000001100": "Fragmin 10,000units/4ml solution for injection ampoules",
    "3838711000001100": "Fragmin 12,500units/0.5ml solution for injection pre-filled syringes",
    "3968311000001101": "Fragmin 15,000units/0.6ml solution for injection pre-filled syringes",
    "3968611000001106": "Fragmin 18,000units/0.72ml solution for injection pre-filled syringes",
    "3970611000001100": "Fragmin 100,000units/4ml solution for injection vials",
    "4120211000001102": "Innohep 2,500units/0.25ml solution for injection pre-filled syringes",
    "3916311000001101": "Innohep 3,500units/0.35ml solution for injection pre-filled syringes",
    "4120611000001100": "Innohep 4,500units/0.45ml solution for injection pre-filled syringes",
    "28501011000001100": "Innohep 8,000units/0.4ml solution for injection pre-filled syringes",
    "3918011000001100": "Innohep 10,000units/0.5ml solution for injection pre-filled syringes",
    "28499911000001109": "Innohep 12,000units/0.6ml solution for injection pre-filled syringes",
    "3919011000001105": "Innohep 14,000units/0.7ml solution for injection pre-filled syringes",
    "28498711000001103": "Innohep 16,000units/0.8ml solution for injection pre-filled syringes",
    "3920011000001106": "Innohep 18,000units/0.9ml solution for injection pre-filled syringes",
    "4121311000001100": "Innohep 20,000units/2ml solution for injection vials",
    "4121711000001101": "Innohep 40,000units/2ml solution for injection vials",
}

AZATHIOPRINE = {  # AZA
    "327071005": "Azathioprine 25mg tablets",
    "327070006": "Azathioprine 50mg tablets",
    "327072003": "Azathioprine 50mg powder for solution for injection vials",
    "284711000001102": "Imuran 25mg tablets",
    "675711000001108": "Imuran 50mg tablets",
    "906711000001106": "Imuran 50mg powder for solution for injection vials",
    "318611000001108": "Immunoprin 50mg tablets",
    "26658011000001100": "Azapress 50mg tablets",
}

METHOTREXATE = {  # MTX
    "326874007": "Methotrexate 2.5mg tablets",
    "326875008": "Methotrexate 10mg tablets",
    "30799911000001104": "Methotrexate 2mg/ml oral solution sugar free",
    "644711000001108": "Maxtrex 2.5mg tablets",
    "322011000001106": "Maxtrex 10mg tablets",
    "34871011000001105": "Jylamvo 2mg/ml oral solution",
}

MERCAPTOPURINE = {  # MP
    "326873001": "Mercaptopurine 50mg tablets",
    "18430611000001102": "Mercaptopurine 10mg tablets",
    "3832911000001101": "Puri-Nethol 50mg tablets",
    "21969411000001109": "Xaluprine 20mg/ml oral suspension",
    "37572111000001106": "Hanixol 50mg tablets",
}

LEFLUNOMIDE = {  # LEF
    "330057007": "Leflunomide 10mg tablets",
    "24408011000001101": "Leflunomide 15mg tablets",
    "330058002": "Leflunomide 20mg tablets",
    "41790511000001107": "Leflunomide 10mg tablets (VMP subsequent to 330057007)",
    "41790611000001106": "Leflunomide 20mg tablets (VMP subsequent to 330058002)",
    "499111000001102": "Arava 10mg tablets",
    "62411000001105": "Arava 20mg tablets",
}

IMMUNOSUPPRESSANT_ONLY = {
    # MMF
    "327104000": "Mycophenolate mofetil 250mg capsules",
    "327106003": "Mycophenolate mofetil 500mg tablets",
    "8076911000001104": "Mycophenolic acid 180mg gastro-resistant tablets",
    "8077011000001100": "Mycophenolic acid 360mg gastro-resistant tablets",
    "3659911000001102": "CellCept 250mg capsules",
    "3661611000001102": "CellCept 500mg tablets",
    "4881311000001100": "CellCept 1g/5ml oral suspension",
    "18164111000001105": "Myfenax 250mg capsules",
    "18163911000001106": "Myfenax 500mg tablets",
    "18166911000001100": "Arzip 250mg capsules",
    "18166711000001102": "Arzip 500mg tablets",
    "8077511000001108": "Myfortic 180mg gastro-resistant tablets",
    "8077811000001106": "Myfortic 360mg gastro-resistant tablets",
    "34809211000001105": "Ceptava 180mg gastro-resistant tablets",
    "34809411000001109": "Ceptava 360mg gastro-resistant tablets",
    # CICLO (oral forms; ciclosporin eye drops are not listed)
    "327090002": "Ciclosporin 10mg capsules",
    "327082002": "Ciclosporin 25mg capsules",
    "327085000": "Ciclosporin 50mg capsules",
    "327083007": "Ciclosporin 100mg capsules",
    "36139311000001109": "Ciclosporin 100mg/ml oral solution sugar free",
    "303511000001103": "Neoral 10mg capsules",
    "660811000001100": "Neoral 25mg capsules",
    "319211000001101": "Neoral 50mg capsules",
    "456811000001107": "Neoral 100mg capsules",
    "3490411000001109": "Neoral 100mg/ml oral solution",
    "347811000001104": "Sandimmun 25mg capsules",
    "638611000001108": "Sandimmun 50mg capsules",
    "172611000001109": "Sandimmun 100mg capsules",
    "3490711000001103": "Sandimmun 100mg/ml oral solution",
    "16306511000001107": "Deximune 25mg capsules",
    "16306711000001102": "Deximune 50mg capsules",
    "16306911000001100": "Deximune 100mg capsules",
    "17666911000001105": "Capimune 25mg capsules",
    "17665611000001109": "Capimune 50mg capsules",
    "17665811000001108": "Capimune 100mg capsules",
    "19377311000001100": "Capsorin 25mg capsules",
    "19377111000001102": "Capsorin 50mg capsules",
    "19376911000001102": "Capsorin 100mg capsules",
    "35206711000001106": "Capsorin 100mg/ml oral solution",
    "29934611000001109": "Vanquoral 10mg capsules",
    "28335911000001108": "Vanquoral 25mg capsules",
    "28337411000001106": "Vanquoral 50mg capsules",
    "28338911000001102": "Vanquoral 100mg capsules",
    # TAC (capsule VMPs only: the list's brand ids were damaged by a spreadsheet and its
    # ointment ids are skin treatments, not immunosuppression)
    "327103006": "Tacrolimus 500microgram capsules",
    "327096008": "Tacrolimus 1mg capsules",
    "327097004": "Tacrolimus 5mg capsules",
}

SULFASALAZINE = {  # SSZ
    "317431008": "Sulfasalazine 500mg tablets",
    "330040008": "Sulfasalazine 500mg gastro-resistant tablets",
    "317430009": "Sulfasalazine 250mg/5ml oral suspension",
    "16247411000001106": "Sulfasalazine 250mg/5ml oral suspension sugar free",
    "189511000001109": "Salazopyrin 500mg tablets",
    "198211000001102": "Salazopyrin EN-Tabs 500mg",
    "40211000001102": "Salazopyrin 250mg/5ml oral suspension",
    "51611000001107": "Salazopyrin 500mg suppositories",
    "499211000001108": "Sulazine EC 500mg tablets",
    "23447211000001104": "Sulazine EC 500mg tablets",
}

CLOZAPINE = {  # CLOZ
    "42270111000001104": "Clozapine 25mg tablets",
    "42270211000001105": "Clozapine 50mg tablets",
    "42270011000001100": "Clozapine 100mg tablets",
    "15506211000001109": "Clozapine 200mg tablets",
    "15506311000001101": "Clozapine 50mg/ml oral suspension sugar free",
    "321573006": "Product containing precisely clozapine 25 milligram/1 each conventional release "
    "oral tablet (clinical drug)",
    "418754000": "Product containing precisely clozapine 50 milligram/1 each conventional release "
    "oral tablet (clinical drug)",
    "321574000": "Product containing precisely clozapine 100 milligram/1 each conventional release "
    "oral tablet (clinical drug)",
    "3830311000001101": "Clozaril 25mg tablets (Viatris UK Healthcare Ltd)",
    "3832011000001100": "Clozaril 100mg tablets (Viatris UK Healthcare Ltd)",
    "7972911000001104": "Denzapine 25mg tablets (Denfleet Pharma Ltd)",
    "15498911000001105": "Denzapine 50mg tablets (Merz Pharma UK Ltd)",
    "7974011000001109": "Denzapine 100mg tablets (Denfleet Pharma Ltd)",
    "15505711000001105": "Denzapine 200mg tablets (Merz Pharma UK Ltd)",
    "15506011000001104": "Denzapine 50mg/ml oral suspension (Merz Pharma UK Ltd)",
    "8838911000001102": "Zaponex 25mg tablets (IVAX Pharmaceuticals UK Ltd)",
    "8839511000001103": "Zaponex 100mg tablets (IVAX Pharmaceuticals UK Ltd)",
}

CO_TRIMOXAZOLE = {  # COTRIM
    "41947411000001107": "Co-trimoxazole 80mg/400mg tablets",
    "41947311000001100": "Co-trimoxazole 160mg/800mg tablets",
    "35313211000001104": "Co-trimoxazole 40mg/200mg/5ml oral suspension sugar free",
    "41947511000001106": "Co-trimoxazole 80mg/400mg/5ml oral suspension",
    "324357002": "Co-trimoxazole 80mg/400mg tablets (VMP previous to 41947411000001107)",
    "324359004": "Co-trimoxazole 160mg/800mg tablets (VMP previous to 41947311000001100)",
    "324362001": "Co-trimoxazole 80mg/400mg/5ml oral suspension "
    "(VMP previous to 41947511000001106)",
    "324366003": "Co-trimoxazole 40mg/200mg/5ml oral suspension sugar free "
    "(VMP previous to 35313211000001104)",
    "659211000001100": "Septrin tablets",
    "764411000001104": "Septrin Forte 160mg/800mg tablets",
    "96711000001102": "Septrin Adult 80mg/400mg/5ml oral suspension",
    "3757311000001102": "Septrin Paediatric 40mg/200mg/5ml oral suspension",
}

CARBAMAZEPINE = {  # CBZ
    "322863001": "Carbamazepine 100mg tablets",
    "322864007": "Carbamazepine 200mg tablets",
    "322865008": "Carbamazepine 400mg tablets",
    "42125811000001104": "Carbamazepine 100mg tablets",
    "42126211000001106": "Carbamazepine 200mg tablets",
    "42126411000001105": "Carbamazepine 400mg tablets",
    "322891009": "Carbamazepine 100mg/5ml oral suspension sugar free",
    "42125911000001109": "Carbamazepine 100mg/5ml oral suspension sugar free",
    "37082411000001106": "Carbamazepine 200mg modified-release tablets",
    "37082511000001105": "Carbamazepine 400mg modified-release tablets",
    "680511000001100": "Tegretol 100mg tablets",
    "443711000001108": "Tegretol 200mg tablets",
    "702711000001104": "Tegretol 400mg tablets",
    "760111000001100": "Tegretol 100mg/5ml liquid",
    "261911000001101": "Tegretol Prolonged Release 200mg tablets",
    "662611000001103": "Tegretol Prolonged Release 400mg tablets",
    "3160011000001104": "Tegretol 100mg Chewtabs",
    "3160911000001100": "Tegretol 200mg Chewtabs",
    "369911000001109": "Carbagen SR 200mg tablets",
    "640811000001105": "Carbagen SR 400mg tablets",
}

LAMOTRIGINE = {  # LTG
    "42130911000001102": "Lamotrigine 25mg tablets",
    "42131011000001105": "Lamotrigine 50mg tablets",
    "42130611000001108": "Lamotrigine 100mg tablets",
    "42130711000001104": "Lamotrigine 200mg tablets",
    "42130811000001107": "Lamotrigine 25mg dispersible tablets sugar free",
    "322985008": "Product containing precisely lamotrigine 25 milligram/1 each conventional "
    "release oral tablet (clinical drug)",
    "322981004": "Product containing precisely lamotrigine 50 milligram/1 each conventional "
    "release oral tablet (clinical drug)",
    "322982006": "Product containing precisely lamotrigine 100 milligram/1 each conventional "
    "release oral tablet (clinical drug)",
    "322994002": "Product containing precisely lamotrigine 200 milligram/1 each conventional "
    "release oral tablet (clinical drug)",
    "3145811000001106": "Lamictal 5mg dispersible tablets (GlaxoSmithKline)",
    "2925811000001101": "Lamictal 25mg tablets (GlaxoSmithKline)",
    "3146411000001100": "Lamictal 25mg dispersible tablets (GlaxoSmithKline)",
    "2927711000001103": "Lamictal 50mg tablets (GlaxoSmithKline)",
    "3147211000001102": "Lamictal 100mg dispersible tablets (GlaxoSmithKline)",
    "3145211000001105": "Lamictal 200mg tablets (GlaxoSmithKline)",
}


# --- SNOMED CT condition and procedure ids ------------------------------------------------
# Cancer: checked against the OpenCodelists lists in opensafely/opioids-covid-research:
#   codelists/opensafely-cancer-excluding-lung-and-haematological-snomed.csv (NONLUNG)
#   codelists/opensafely-lung-cancer-snomed.csv (LUNG)
#   codelists/opensafely-haematological-cancer-snomed.csv (HAEM)
# whose terms are the fully specified names given here. In-situ carcinomas and benign or
# uncertain neoplasms are not cancer for this question and are not listed.
CANCER = {
    # NONLUNG
    "363346000": "Malignant neoplastic disease (disorder)",
    "372087000": "Primary malignant neoplasm (disorder)",
    "128462008": "Secondary malignant neoplastic disease (disorder)",
    "405843009": "Widespread metastatic malignant neoplastic disease (disorder)",
    "395099008": "Cancer confirmed (situation)",
    "254837009": "Malignant neoplasm of breast (disorder)",
    "254838004": "Carcinoma of breast (disorder)",
    "372095001": "Malignant neoplasm of male breast (disorder)",
    "94361000000105": "Breast cancer detected by national screening programme (disorder)",
    "399068003": "Malignant tumor of prostate (disorder)",
    "254900004": "Carcinoma of prostate (disorder)",
    "363406005": "Malignant neoplasm of colon (disorder)",
    "269533000": "Carcinoma of colon (disorder)",
    "363351006": "Malignant tumor of rectum (disorder)",
    "363510005": "Malignant tumor of large intestine (disorder)",
    "294301000000103": "Bowel cancer detected by national screening programme (disorder)",
    "372244006": "Malignant melanoma (disorder)",
    "93655004": "Malignant melanoma of skin (disorder)",
    "363418001": "Malignant tumor of pancreas (disorder)",
    "372142002": "Carcinoma of pancreas (disorder)",
    "363402007": "Malignant tumor of esophagus (disorder)",
    "363443007": "Malignant tumor of ovary (disorder)",
    "363354003": "Malignant tumor of cervix (disorder)",
    "371973000": "Malignant neoplasm of uterus (disorder)",
    "363518003": "Malignant tumor of kidney (disorder)",
    "702391001": "Renal cell carcinoma (disorder)",
    "399326009": "Malignant tumor of urinary bladder (disorder)",
    "255108000": "Carcinoma of bladder (disorder)",
    "363449006": "Malignant tumor of testis (disorder)",
    "363478007": "Malignant tumor of thyroid gland (disorder)",
    "428061005": "Malignant neoplasm of brain (disorder)",
    "93870000": "Malignant neoplasm of liver (disorder)",
    "276975007": "Carcinoma of larynx (disorder)",
    # LUNG
    "363358000": "Malignant tumor of lung (disorder)",
    "93880001": "Primary malignant neoplasm of lung (disorder)",
    "254637007": "Non-small cell lung cancer (disorder)",
    "254632001": "Small cell carcinoma of lung (disorder)",
    "109378008": "Mesothelioma (malignant, clinical disorder) (disorder)",
    # HAEM
    "269475001": "Malignant tumor of lymphoid, hemopoietic AND/OR related tissue (disorder)",
    "118600007": "Malignant lymphoma (disorder)",
    "118599009": "Hodgkin's disease (disorder)",
    "118601006": "Non-Hodgkin's lymphoma (disorder)",
    "847741000000106": "Diffuse large B-cell lymphoma (disorder)",
    "308121000": "Follicular non-Hodgkin's lymphoma (disorder)",
    "443487006": "Mantle cell lymphoma (disorder)",
    "93143009": "Leukemia, disease (disorder)",
    "91857003": "Acute lymphoid leukemia, disease (disorder)",
    "91861009": "Acute myeloid leukemia, disease (disorder)",
    "92814006": "Chronic lymphoid leukemia, disease (disorder)",
    "277473004": "B-cell chronic lymphocytic leukemia (disorder)",
    "92818009": "Chronic myeloid leukemia, disease (disorder)",
    "109989006": "Multiple myeloma (disorder)",
}

# Operations: checked against the SNOMED CT International Patient Summary free set (SNOMED
# International release 2022-07-31) as expanded by HL7 in HL7/fhir-ips:
# input/fsh/valuesets/ProceduresSnomedCtIpsFreeSet.fsh, whose displays (preferred terms) are
# given here. Endoscopies, biopsies, injections and other procedures done without an
# operation are not listed (a colonoscopy is not an operation for this question).
OPERATIONS = {
    "80146002": "Appendectomy",
    "6025007": "Laparoscopic appendectomy",
    "38102005": "Cholecystectomy",
    "45595009": "Laparoscopic cholecystectomy",
    "45993005": "Cholecystectomy with exploration of common duct",
    "67557008": "Laparoscopic cholecystectomy with exploration of common duct",
    "52734007": "Total replacement of hip",
    "398010007": "Prosthetic arthroplasty of hip",
    "386649003": "Partial hip replacement by prosthesis",
    "265160007": "Total prosthetic replacement of hip joint not using cement",
    "112727005": "Revision of hip replacement",
    "265132005": "Primary open reduction and internal fixation of proximal femoral fracture "
    "with screw/nail and plate device",
    "57470004": "Open reduction of fracture of femur with internal fixation",
    "609588000": "Total knee replacement",
    "443682009": "Total replacement of right knee joint",
    "443681002": "Total replacement of left knee joint",
    "19063003": "Arthroplasty of knee",
    "42262007": "Total shoulder replacement",
    "11466000": "Cesarean section",
    "236886002": "Hysterectomy",
    "236887006": "Laparoscopic hysterectomy",
    "116141005": "Abdominal hysterectomy",
    "116143008": "Total abdominal hysterectomy",
    "116144002": "Total abdominal hysterectomy with bilateral salpingo-oophorectomy",
    "86477000": "Total hysterectomy with removal of both tubes and ovaries",
    "176795006": "Subtotal abdominal hysterectomy",
    "431316002": "Laparoscopic subtotal hysterectomy",
    "387643005": "Partial hysterectomy",
    "265056007": "Vaginal hysterectomy",
    "75835007": "Laparoscopic-assisted vaginal hysterectomy",
    "83152002": "Oophorectomy",
    "116028008": "Salpingo-oophorectomy",
    "50465008": "Hernia repair",
    "44558001": "Repair of inguinal hernia",
    "15018006": "Laparoscopic repair of inguinal hernia",
    "177866001": "Repair of bilateral inguinal hernias",
    "771713005": "Open repair of inguinal hernia using sutures",
    "771626001": "Open repair of femoral hernia using sutures",
    "44946007": "Repair of umbilical hernia",
    "771663005": "Open repair of umbilical hernia using sutures",
    "710785000": "Laparoscopic repair of hernia",
    "238192002": "Repair of hernia of anterior abdominal wall",
    "737067005": "Repair of ventral hernia using graft",
    "232717009": "Coronary artery bypass graft",
    "232720001": "Coronary artery bypass grafts x 2",
    "232721002": "Coronary artery bypass grafts x 3",
    "232722009": "Coronary artery bypass grafts x 4",
    "232723004": "Coronary artery bypass grafts x 5",
    "10326007": "Coronary artery bypass with autogenous graft, three grafts",
    "39202005": "Coronary artery bypass with autogenous graft, four grafts",
    "26212005": "Replacement of aortic valve",
    "53059001": "Replacement of mitral valve",
    "2598006": "Open heart surgery",
    "86481000": "Laparotomy",
    "74770008": "Exploratory laparotomy",
    "23968004": "Excision of colon",
    "43075005": "Partial resection of colon",
    "26390003": "Total colectomy",
    "16564004": "Hartmann operation, rectal resection",
    "53442002": "Gastrectomy",
    "116241004": "Pancreaticoduodenectomy",
    "430715008": "Bariatric operative procedure",
    "708983005": "Laparoscopic bypass of stomach",
    "234319005": "Splenectomy",
    "175905003": "Total nephrectomy",
    "63016009": "Complete cystectomy",
    "26294005": "Radical prostatectomy",
    "90199006": "Transurethral prostatectomy",
    "64368001": "Partial mastectomy",
    "392021009": "Lumpectomy of breast",
    "384723003": "Radical mastectomy",
    "726436000": "Modified radical mastectomy of right breast",
    "726437009": "Modified radical mastectomy of left breast",
    "173171007": "Lobectomy of lung",
    "49795001": "Total pneumonectomy",
    "13619001": "Thyroidectomy",
    "173422009": "Tonsillectomy",
    "25353009": "Craniotomy",
    "387731002": "Laminectomy",
    "3418002": "Discectomy of spine",
    "55705006": "Spinal arthrodesis",
    "405525004": "Repair of aneurysm of abdominal aorta",
    "66951008": "Carotid endarterectomy",
    "112828007": "Femoral-popliteal artery bypass graft",
    "397117006": "Amputation of lower limb",
    "79733001": "Amputation above-knee",
    "70536003": "Transplant of kidney",
    "18027006": "Transplantation of liver",
    "32413006": "Transplantation of heart",
}
