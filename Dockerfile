# Odoo 18 with the Python packages the MCP addons need.
# The addons themselves are mounted at /mnt/extra-addons (see docker-compose.yml).
FROM odoo:18

USER root
COPY requirements.txt /tmp/requirements.txt
# The odoo:18 image's Python is the system one (PEP 668): pip needs
# --break-system-packages; the pins in requirements.txt leave Odoo's own packages alone.
RUN pip3 install --no-cache-dir --break-system-packages -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt
USER odoo
