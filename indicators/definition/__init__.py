"""The initiative's definition: the model (indicators, theory of change, organisations,
places, periods, commitments, targets), loading it from the files of `data/`, and the
consistency checks those files must pass (`checks`, used by `loading`).
"""

__all__ = ["loading", "model", "writing"]  # the modules other packages may import
