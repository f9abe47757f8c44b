"""Tables 1 and 2 of the paper, typed from the paper: the oracle of the demo tests.

Not imported from tongban.demo, so a change to the module's constants cannot make the
tests agree with themselves.
"""

YEARS = (2013, 2014, 2015, 2016)
TABLE_1 = {  # (role, community): enrolled at the end of 2013, 2014, 2015, 2016
    ("peer", "tuanjiehu"): (5, 5, 4, 4),
    ("peer", "maizidian"): (2, 2, 2, 2),
    ("peer", "xiangheyuan"): (0, 0, 4, 4),
    ("peer", "jinsong"): (0, 0, 2, 2),
    ("consumer", "tuanjiehu"): (10, 11, 14, 14),
    ("consumer", "maizidian"): (13, 13, 14, 15),
    ("consumer", "xiangheyuan"): (0, 0, 10, 11),
    ("consumer", "jinsong"): (0, 0, 10, 10),
}
TABLE_2 = {  # attribute: (peer counts, consumer counts)
    "sex": ({"male": 8, "female": 4}, {"male": 21, "female": 29}),
    "education": (
        {
            "primary": 0,
            "junior_high": 1,
            "senior_high": 8,
            "junior_college": 1,
            "undergraduate": 2,
            "postgraduate": 0,
        },
        {
            "primary": 2,
            "junior_high": 10,
            "senior_high": 22,
            "junior_college": 8,
            "undergraduate": 7,
            "postgraduate": 1,
        },
    ),
    "marital_status": (
        {"single": 7, "married": 4, "divorced": 1, "widowed": 0},
        {"single": 29, "married": 11, "divorced": 9, "widowed": 1},
    ),
    "working_status": (
        {"part_time": 4, "not_working": 8, "full_time": 0},
        {"part_time": 4, "not_working": 46, "full_time": 0},
    ),
    "diagnosis": ({"schizophrenia": 6, "bipolar": 6}, {"schizophrenia": 45, "bipolar": 5}),
}
AGE = {"peer": (40.2, 8.9), "consumer": (48.3, 8.2)}  # Table 2, mean ± SD
