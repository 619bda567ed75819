"""Creator discovery: search, profiles, lookalikes, classification, creator mix and the
memory of past collaborations. Every tool function is exposed here for the registry."""

from tools.discovery.classify import classify_creator
from tools.discovery.mix import recommend_creator_mix
from tools.discovery.past import search_past_collaborations
from tools.discovery.profile import get_creator
from tools.discovery.search import search_creators
from tools.discovery.similar import find_similar_creators

__all__ = [
    "classify_creator",
    "find_similar_creators",
    "get_creator",
    "recommend_creator_mix",
    "search_creators",
    "search_past_collaborations",
]
