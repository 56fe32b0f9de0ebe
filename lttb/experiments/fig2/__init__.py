"""Figure 2 of the paper: a context signal selects one of two learned trajectories.

``protocol`` trains two trajectories with the ``fig2`` preset, then runs
the full-context and turn-off tests of each context with the teacher off;
``results`` holds the scores and the checks of the ``context_tests`` block;
``plots`` draws the recall and turn-off figures and the bars of the scores.
"""

SUMMARY = "the paper's Figure 2: a context signal selects one of two learned trajectories"
#: The configuration preset the figure starts from.
PRESET = "fig2"
