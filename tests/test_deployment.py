"""The docker-compose setup: the compose file is valid and its Odoo configuration starts a database
with the MCP Server addon installed, as ``docker compose up`` does on a first start.

Container images cannot run here, so the same configuration file is given to the local ``odoo-bin``
with only the parts that name the containers (database host, addons path) replaced.
"""
import configparser
import os
import pathlib
import shlex
import shutil
import subprocess
import uuid

import psycopg2
import yaml

from conftest import ODOO_ADDONS_PATH, ODOO_BIN

ROOT = pathlib.Path(__file__).resolve().parent.parent


def compose_config():
    """``docker-compose config`` of the repository's compose file, parsed."""
    assert shutil.which("docker-compose"), "Debian's docker-compose package is needed (apt-get install docker-compose)"
    process = subprocess.run(["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config"],
                             capture_output=True, text=True, timeout=60, check=False)
    assert process.returncode == 0, process.stderr
    return yaml.safe_load(process.stdout)


def test_compose_file_is_valid_and_wires_odoo_to_its_services():
    config = compose_config()
    odoo = config["services"]["odoo"]
    assert set(config["services"]) == {"db", "redis", "odoo"}
    assert odoo["environment"]["HOST"] == "db"
    assert "8069:8069" in [str(p) if isinstance(p, str) else "%s:%s" % (p["published"], p["target"])
                           for p in odoo["ports"]]
    targets = {volume["target"] if isinstance(volume, dict) else volume.split(":")[1]
               for volume in odoo["volumes"]}
    assert {"/mnt/extra-addons", "/etc/odoo/odoo.conf", "/var/lib/odoo"} <= targets
    assert "--init=mcp_server" in odoo["command"]


def test_compose_configuration_creates_a_database_with_the_addon_installed(tmp_path):
    conf = configparser.ConfigParser()
    conf.read(ROOT / "docker" / "odoo.conf")
    options = conf["options"]
    # The image's entrypoint takes a value of the file over its environment: a db_password here would
    # ignore POSTGRES_PASSWORD. And db_name alone picks the database without listing them per request.
    assert "db_password" not in options, "the password comes from POSTGRES_PASSWORD (docker-compose.yml)"
    assert "dbfilter" not in options and options["db_name"] == "odoo"
    database = "mcp_compose_%s" % uuid.uuid4().hex[:8]
    # Replace what names the containers; keep everything else of the file as it is.
    options["db_name"] = database
    options["addons_path"] = ODOO_ADDONS_PATH
    options["data_dir"] = str(tmp_path / "data")
    for key in ("db_host", "db_port", "db_user", "db_password"):
        options.pop(key, None)
        if os.environ.get("PG" + key[3:].upper()):
            options[key] = os.environ["PG" + key[3:].upper()]
    local_conf = tmp_path / "odoo.conf"
    with local_conf.open("w") as handle:
        conf.write(handle)
    command = [*shlex.split(ODOO_BIN), "-c", str(local_conf), "--init=mcp_server", "--stop-after-init",
               "--http-port=0", "--max-cron-threads=0"]
    try:
        process = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        assert process.returncode == 0, process.stderr[-3000:]
        connection = psycopg2.connect(dbname=database)
        try:
            with connection.cursor() as cr:
                cr.execute("SELECT state FROM ir_module_module WHERE name = 'mcp_server'")
                assert cr.fetchone() == ("installed",)
        finally:
            connection.close()
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", database], capture_output=True, check=False)
