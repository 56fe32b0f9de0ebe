"""Figure 1 of the paper: one network learns a 3-D trajectory.

``protocol`` trains with the schedule of the ``fig1`` preset and runs the
full test; ``results`` lists what an artifact holds and summarizes seeds;
``plots`` draws the paper's panel, the three-row variant, the training
curves and the outer MSE across seeds.
"""

SUMMARY = "the paper's Figure 1: a network learns a 3-D trajectory"
#: The configuration preset the figure starts from.
PRESET = "fig1"
