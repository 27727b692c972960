"""Storage's side of keeping records and the cloud in agreement.

tenant      `pull_tenant_volumes`: volumes and snapshots brought in step with the
            tenant's cloud project; gone ones marked, then deleted after the grace
            period; creations stuck without a live saga ended ERRED
recovery    `recover_lost_volumes`: cloud volumes without a record imported
metadata    `pull_volume_metadata`: Cinder metadata onto the records
jobs        the periodic jobs looping over the usable tenants
"""
