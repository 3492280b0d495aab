"""The contracts app's pages, one module per topic (as `contracts/services/`); `contracts/urls.py` names each."""
