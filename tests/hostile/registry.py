"""The cases by name, in the order the issue lists them."""

CASES = {}


def case(name):
    def register(function):
        CASES[name] = function
        return function
    return register
