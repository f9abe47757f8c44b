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

# Service process and contents (Results), typed from the paper.
SESSIONS = 214  # "A total of 214 peer support sessions were delivered"
SESSIONS_FROM, SESSIONS_TO = (2013, 7, 1), (2016, 6, 30)  # "from July 2013 to June 2016"
# "The number of sessions for each community by every 6-month period" (Fig. 1):
SESSIONS_CHI2 = (15, 48.75)  # "χ2(15) = 48.75, p < 0.001"
SESSIONS_P_BELOW = 0.001
HALF_YEARS = (  # Fig. 1's six periods
    ((2013, 7, 1), (2013, 12, 31)),
    ((2014, 1, 1), (2014, 6, 30)),
    ((2014, 7, 1), (2014, 12, 31)),
    ((2015, 1, 1), (2015, 6, 30)),
    ((2015, 7, 1), (2015, 12, 31)),
    ((2016, 1, 1), (2016, 6, 30)),
)
# "no session had been provided during this time period in Tuanjiehu" (first 6 months of 2015)
NO_SESSIONS = {"tuanjiehu": ((2015, 1, 1), (2015, 6, 30))}
# "Beginning in August 2015, peer support services were started in another two communities"
STARTED_AUGUST_2015 = ("xiangheyuan", "jinsong")
DURATION_MINUTES = (40, 120)  # "The duration of each session ranged from 40 min to 120 min"
PEERS_PER_SESSION = 2  # "at least two peers, with one leading and the other one assisting"
CATEGORIES = 8  # "each of the eight categories had been addressed"
TOP_CATEGORIES = {  # "The top three most popular activity categories" (Fig. 2), in percent
    "fine_motor_exercise": 19,
    "daily_life_skills": 16,
    "emotional_support": 15,
}
EMERGENCY_EVENTS = 0  # "There was no report of violence, self-harm, or other ... adverse events"

# Satisfaction and benefit (Results), December 2014, Tuanjiehu and Maizidian only.
EVALUATION_ROUND = ((2014, 12), ("tuanjiehu", "maizidian"))
RESPONDENTS = {"consumer": 24, "peer": 7, "caregiver": 15}
NOT_ASSESSED = {"consumer": 3}  # "three (12.5%) had not been assessed because of personal issues"
YES = {  # question: number answering yes, as printed
    "consumer_satisfied_with_peers": 19,  # "Nineteen (79.2%)"
    "consumer_wants_to_continue": 17,  # "17 (70.8%)"
    "consumer_better_social_skills": 10,  # "ten (41.7%)"
    "peer_better_working_skills": 6,  # "six (85.7%)"
    "peer_better_social_skills": 4,  # "four (57.1%)"
    "caregiver_wants_continuation": 14,  # "14 (93.3%)"
    "caregiver_saw_better_social_skills": 6,  # "six (40%)"
    "caregiver_own_mood_better": 5,  # "five (33.3%)"
}
