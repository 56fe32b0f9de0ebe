"""Figure 3: hierarchical imitation learning ("button & food"), apical vs basal context.

Two LTTB networks drive a point agent: the high network chooses a context
("go to the button", "go to the food") from what the agent sees, the low
network turns the context and the observation into a velocity.  Both learn
by imitation of an expert; the figure compares the low network's context on
the apical dendrite (``apical``) with the same context on the soma
(``basal``) (FIG3.md).

- :mod:`.config`: the nested configuration, its dotted keys and presets;
- :mod:`.protocol`: the joint protocol of one (variant, seed);
- :mod:`.results`, :mod:`.plots`: its artifact, summary and figures.

The published results (Capone, Lupo, Muratore, Paolucci, ICML 2022; the
authors' code and data, cosimolupo/LTTB, CC BY 4.0) were made with the
``published`` preset's settings (FIG3.md section 0).
"""

SUMMARY = "Figure 3: hierarchical imitation learning, context on the apical vs basal side"

#: The task variants: the command gets ``--variant {apical,basal,both}`` and
#: runs one task per (variant, seed); the artifacts of a variant go to its
#: own folder of the output (``apical/seed-0000.json``).
VARIANTS = {
    "choices": ("apical", "basal", "apical_recurrent"),
    "all": "both",
    "group": ("apical", "basal"),
    "help": "apical: the low network's context on the apical dendrite (target-burst "
            "read-out, no recurrent plasticity), basal: on the soma (recurrent read-out), "
            "apical_recurrent: the apical context with the basal read-out and plasticity "
            "(the authors' committed notebook, not their published data); both: apical "
            "and basal",
}

#: The figure's own configuration (nested, dotted keys; not Figure 1's kind).
CONFIG = "lttb.experiments.fig3.config"

#: The preset the command starts from (``--config reduced`` or ``smoke`` for others).
PRESET = "published"
