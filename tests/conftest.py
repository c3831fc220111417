"""The pytest-lsp client: the real server, started as an editor would, over stdio."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp_helpers import record_publications

FIXTURES = Path(__file__).parent / "fixtures"
SERVER = [sys.executable, "-m", "backend_ls", "serve"]


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER),
    params=["visual-studio-code", "neovim"],
)
async def client(request, lsp_client: LanguageClient, tmp_path: Path):
    record_publications(lsp_client)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(request.param),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="project")],
        )
    )
    lsp_client.root = tmp_path
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def workspace(client) -> Path:
    return client.root
