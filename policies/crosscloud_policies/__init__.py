"""crosscloud's CrossGuard rules: plain functions over resources, shared by the pack and offline."""
