-- Each CVE id of each vulnerability definition, one row each: a CVE filter finds its QIDs
-- through the key, and counting images per CVE walks definitions to findings
-- (image_vulns (qid, image_ref)) instead of reading every finding's definition and its JSON.
-- Written with the definitions (store::write); `vuln_defs.cveids` stays the API's list.
CREATE TABLE vuln_cves (
    cve TEXT NOT NULL,
    qid INTEGER NOT NULL REFERENCES vuln_defs (qid) ON DELETE CASCADE,
    PRIMARY KEY (cve, qid)
);
CREATE INDEX vuln_cves_qid ON vuln_cves (qid);
INSERT OR IGNORE INTO vuln_cves (cve, qid)
    SELECT j.value, d.qid FROM vuln_defs d, json_each(d.cveids) j WHERE j.type = 'text';

-- The findings of a QID with their images, from the index alone.
CREATE INDEX image_vulns_qid_image ON image_vulns (qid, image_ref);
DROP INDEX image_vulns_qid;
