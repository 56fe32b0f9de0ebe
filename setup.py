"""Build script for the compiled core ``lttb._core``.

All metadata lives in ``pyproject.toml``; this file only describes the
extension module and two build steps that pyproject.toml cannot express:

* ``build_ext`` runs Cython on ``lttb/_core.pyx`` and picks optimisation flags
  for the compiler actually in use (portable by default; ``LTTB_NATIVE=1`` in
  the environment adds ``-march=native`` for a build tuned to this machine).
  It builds with OpenMP, which lets one trial run on several threads, when
  the compiler can compile and link an OpenMP program (GCC and Clang with
  libomp; not MSVC, whose OpenMP runtime is not part of every Python
  install); ``LTTB_OPENMP=0`` builds without it;
* ``build_py`` copies the JSON schemas kept at the top of the source tree
  (``schemas/``) into the built package as ``lttb/schemas/`` so that an
  installed wheel can read them.
"""

import os
import tempfile
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext as _build_ext
from setuptools.command.build_py import build_py as _build_py
from setuptools.errors import CompileError, LinkError

HERE = Path(__file__).resolve().parent

CYTHON_DIRECTIVES = {
    "language_level": 3,
    "boundscheck": False,
    "wraparound": False,
    "cdivision": True,
    "initializedcheck": False,
}


def _env_flag(name, default):
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on"}


_OPENMP_TEST = """
#include <omp.h>
int main(void) {
    int n = 0;
#pragma omp parallel num_threads(2)
    {
#pragma omp atomic
        n += 1;
    }
    return n >= 1 && omp_get_max_threads() >= 1 ? 0 : 1;
}
"""


class build_ext(_build_ext):
    """Cythonize at build time and add compiler-specific flags."""

    def run(self):
        # Imported here, not at module level, so that metadata-only steps
        # (e.g. building the sdist) never need to run Cython.
        import numpy
        from Cython.Build import cythonize

        for ext in self.extensions:
            ext.include_dirs.append(numpy.get_include())
        # The generated C goes to the temporary build directory: the source
        # tree keeps only the .pyx, and a stale _core.c left there by a manual
        # build can never be compiled by mistake.
        cythonized = cythonize(
            self.extensions,
            compiler_directives=CYTHON_DIRECTIVES,
            build_dir=os.path.join(self.build_temp, "cython"),
        )
        # Keep setuptools' own Extension objects (they carry state set up by
        # finalize_options); only their sources change from .pyx to .c.
        for ext, generated in zip(self.extensions, cythonized):
            ext.sources = generated.sources
        super().run()

    def _openmp_flags(self):
        """Compile and link flags for OpenMP, or empty lists without it."""
        if not _env_flag("LTTB_OPENMP", True) or self.compiler.compiler_type == "msvc":
            return [], []
        flag = ["-fopenmp"]
        with tempfile.TemporaryDirectory() as tmp:
            source = os.path.join(tmp, "openmp_check.c")
            with open(source, "w") as handle:
                handle.write(_OPENMP_TEST)
            try:
                objects = self.compiler.compile([source], output_dir=tmp, extra_postargs=flag)
                self.compiler.link_executable(objects, "openmp_check", output_dir=tmp,
                                              extra_postargs=flag)
            except (CompileError, LinkError):
                print("lttb: the compiler cannot build OpenMP programs; "
                      "building the core single-threaded")
                return [], []
        return flag, flag

    def build_extensions(self):
        openmp_compile, openmp_link = self._openmp_flags()
        if self.compiler.compiler_type == "msvc":
            flags = ["/O2"]
        else:
            # -ffp-contract=off: no fused multiply-add unless the source asks
            # for it, so the core rounds like the NumPy reference on every
            # platform (aarch64 and arm64 compilers fuse by default).
            # -fno-trapping-math: the code never reads floating-point
            # exception flags; without it GCC will not vectorise the neuron
            # step's selects. It changes no result.
            # -g0: Python's own CFLAGS ask for debug information, which
            # would triple the size of every wheel.
            flags = ["-O3", "-ffp-contract=off", "-fno-trapping-math", "-g0"]
            if _env_flag("LTTB_NATIVE", False):
                flags.append("-march=native")
        for ext in self.extensions:
            ext.extra_compile_args = flags + openmp_compile + list(ext.extra_compile_args or [])
            ext.extra_link_args = openmp_link + list(ext.extra_link_args or [])
        super().build_extensions()


class build_py(_build_py):
    """Also place ``schemas/*.json`` into the built package as ``lttb/schemas/``."""

    def run(self):
        super().run()
        # An editable install reads the schemas from the source tree (see
        # lttb/_resources.py), so nothing is copied into it.
        if getattr(self, "editable_mode", False):
            return
        for source, target in self._schema_files():
            self.mkpath(os.path.dirname(target))
            self.copy_file(source, target, preserve_mode=False)

    def get_outputs(self, include_bytecode=True):
        outputs = list(super().get_outputs(include_bytecode))
        if not getattr(self, "editable_mode", False):
            outputs.extend(target for _, target in self._schema_files())
        return outputs

    def _schema_files(self):
        schema_dir = HERE / "schemas"
        target_dir = os.path.join(self.build_lib, "lttb", "schemas")
        return [
            (str(path), os.path.join(target_dir, path.name))
            for path in sorted(schema_dir.glob("*.json"))
        ]


setup(
    ext_modules=[
        Extension(
            "lttb._core",
            sources=["lttb/_core.pyx"],
            # The C generated from the .pyx lives in the build directory, so
            # the headers next to the .pyx are found through the include path.
            include_dirs=["lttb"],
            depends=sorted(p.relative_to(HERE).as_posix() for p in HERE.glob("lttb/*.h")),
            define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
        )
    ],
    cmdclass={"build_ext": build_ext, "build_py": build_py},
)
