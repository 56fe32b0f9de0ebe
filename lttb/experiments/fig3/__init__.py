"""Figure 3: hierarchical imitation learning ("button & food"), apical vs basal context.

Two LTTB networks drive a point agent: the high network chooses a context
("go to the button", "go to the food") from what the agent sees, the low
network turns the context and the observation into a velocity.  Both learn
by imitation of an expert; the figure compares the low network's context on
the apical dendrite (``apical``) with the same context on the soma
(``basal``) (FIG3.md).

- :mod:`.config`: the nested configuration, its dotted keys and presets;
- :mod:`.protocol`: the joint protocol of one (variant, seed).

The published results (Capone, Lupo, Muratore, Paolucci, ICML 2022; the
authors' code and data, cosimolupo/LTTB, CC BY 4.0) were made with the
``published`` preset's settings (FIG3.md section 0).
"""

SUMMARY = "Figure 3: hierarchical imitation learning, context on the apical vs basal side"
