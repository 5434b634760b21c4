"""The Tasks extension: task handles for background tools, tasks/get, tasks/update, tasks/cancel, and the
behaviour of clients that did not declare it."""
import json

from odoo.tests import tagged

from ..lib.tasks import EXTENSION_ID
from .common import McpCase
from .tasks_common import TASK_METHODS, TasksMixin


@tagged("post_install", "-at_install")
class TestTasks(TasksMixin, McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.partner"].create([{"name": "Task partner %s" % i} for i in range(3)])

    def start_export(self, secret=None, tasks=True):
        return self.modern(secret or self.secret_full, "tools/call", {"name": "export_records", "arguments": {
            "model": "res.partner", "domain": [["name", "like", "Task partner"]], "fields": ["name"],
            "format": "csv"}}, tasks=tasks)

    def task(self, secret, task_id):
        """The whole tasks/get answer (its error too)."""
        return self.modern(secret, "tasks/get", {"taskId": task_id})

    def test_the_extension_is_advertised_in_the_modern_era(self):
        answer = self.modern(self.secret_full, "server/discover")["result"]
        self.assertIn(EXTENSION_ID, answer["capabilities"]["extensions"])
        self.assertNotIn("tasks", answer["capabilities"])

    def test_a_declaring_client_gets_a_task_it_follows_to_the_result(self):
        created = self.start_export()["result"]
        self.assertEqual((created["resultType"], created["status"]), ("task", "working"))
        self.assertEqual(created["ttlMs"], 7 * 24 * 3600 * 1000)
        self.assertNotIn("result", created)
        job = self.job_of(created["taskId"])
        self.assertEqual((job.tool, job.state), ("export_records", "queued"))
        self.assertGreaterEqual(len(created["taskId"]), 32, "task ids are random, not job numbers")

        working = self.task(self.secret_full, created["taskId"])["result"]
        self.assertEqual((working["taskId"], working["status"], working["statusMessage"]),
                         (created["taskId"], "working", "0.0%"))
        job.sudo().write({"progress": 40.0, "progress_message": "Rows read"})
        self.assertEqual(self.task(self.secret_full, created["taskId"])["result"]["statusMessage"], "40.0%: Rows read")

        job._run()
        done = self.task(self.secret_full, created["taskId"])["result"]
        self.assertEqual((done["status"], done["resultType"]), ("completed", "complete"))
        self.assertFalse(done["result"]["isError"])
        self.assertEqual(done["result"]["structuredContent"]["rows"], 3)
        # The job is still the one get_job shows, for clients that follow it that way.
        self.assertEqual(self.tool_ok(self.secret_full, "get_job", {"job_id": job.id})["status"], "done")

    def test_a_tool_error_is_a_completed_task_and_a_crash_a_failed_one(self):
        created = self.modern(self.secret_full, "tools/call", {"name": "export_records", "arguments": {
            "model": "res.partner", "fields": ["no_such_field"], "format": "csv"}})["result"]
        self.job_of(created["taskId"])._run()
        answer = self.task(self.secret_full, created["taskId"])["result"]
        self.assertEqual(answer["status"], "completed")
        self.assertTrue(answer["result"]["isError"])
        self.assertIn("no_such_field", answer["result"]["content"][0]["text"])

        crashed = self.start_export()["result"]
        self.job_of(crashed["taskId"]).write({"state": "failed", "error": "Internal error while running the job."})
        answer = self.task(self.secret_full, crashed["taskId"])["result"]
        self.assertEqual((answer["status"], answer["error"]["code"]), ("failed", -32603))
        self.assertNotIn("result", answer)

    def test_cancel_stops_the_task_and_is_acknowledged_again_once_it_ended(self):
        task_id = self.start_export()["result"]["taskId"]
        ack = self.modern(self.secret_full, "tasks/cancel", {"taskId": task_id})["result"]
        self.assertEqual(ack["resultType"], "complete")
        self.assertFalse({"taskId", "status", "result"} & set(ack))
        self.assertEqual(self.task(self.secret_full, task_id)["result"]["status"], "cancelled")
        self.assertEqual(self.job_of(task_id).state, "cancelled")
        self.assertIn("result", self.modern(self.secret_full, "tasks/cancel", {"taskId": task_id}))

        running = self.start_export()["result"]["taskId"]
        self.job_of(running).write({"state": "running"})
        self.modern(self.secret_full, "tasks/cancel", {"taskId": running})
        self.assertTrue(self.job_of(running).cancel_requested, "a running job stops at its next step")

    def test_another_key_cannot_see_or_touch_the_task(self):
        task_id = self.start_export()["result"]["taskId"]
        for method, params in (("tasks/get", {}), ("tasks/cancel", {}), ("tasks/update", {"inputResponses": {}})):
            error = self.modern(self.secret_b, method, dict(params, taskId=task_id))["error"]
            self.assertEqual(error["code"], -32602)
            # Another key of the same user is another credential: it does not see the task either.
            self.assertEqual(self.modern(self.secret_read, method, dict(params, taskId=task_id))["error"]["code"],
                             -32602)
            self.assertNotIn(task_id, json.dumps(self.modern(self.secret_b, method, dict(params, taskId="nope"))))
        self.assertEqual(self.job_of(task_id).state, "queued")
        self.assertEqual(self.modern(self.secret_full, "tasks/get", {"taskId": "made-up"})["error"]["code"], -32602)

    def test_tasks_update_answers_input_requests_until_none_is_pending(self):
        task_id = self.start_export()["result"]["taskId"]
        job = self.job_of(task_id)
        asked = {"name": {"method": "elicitation/create", "params": {"message": "Name?"}},
                 "confirm": {"method": "elicitation/create", "params": {"message": "Sure?"}}}
        job.write({"state": "input_required", "task_input_requests": json.dumps(asked)})
        self.assertEqual(self.task(self.secret_full, task_id)["result"]["inputRequests"], asked)

        reply = {"action": "accept", "content": {"name": "Ada"}}
        ack = self.modern(self.secret_full, "tasks/update", {"taskId": task_id, "inputResponses": {
            "name": reply, "unknown": {"action": "accept"}}})["result"]
        self.assertEqual(ack["resultType"], "complete")
        waiting = self.task(self.secret_full, task_id)["result"]
        self.assertEqual((waiting["status"], list(waiting["inputRequests"])), ("input_required", ["confirm"]))

        self.modern(self.secret_full, "tasks/update", {"taskId": task_id, "inputResponses": {
            "confirm": {"action": "accept", "content": {"confirm": True}}}})
        self.assertEqual(job.state, "queued")
        self.assertEqual(json.loads(job.task_input_responses),
                         {"name": reply, "confirm": {"action": "accept", "content": {"confirm": True}}})
        self.assertEqual(self.task(self.secret_full, task_id)["result"]["status"], "working")

    def test_a_client_without_the_extension_keeps_todays_behaviour(self):
        result = self.start_export(tasks=False)["result"]
        self.assertEqual(result["resultType"], "complete")
        self.assertNotIn("taskId", result)
        self.assertEqual(result["structuredContent"]["rows"], 3)
        self.assertFalse(self.env["mcp.job"].sudo().search([("tool", "=", "export_records")]))
        queued = self.modern(self.secret_full, "tools/call", {"name": "export_records", "arguments": {
            "model": "res.partner", "format": "csv", "background": True}}, tasks=False)["result"]
        self.assertIn("get_job", queued["content"][0]["text"])
        self.assertFalse(self.env["mcp.job"].sudo().browse(queued["structuredContent"]["job_id"]).task_id)
        for method in TASK_METHODS:
            error = self.modern(self.secret_full, method, {"taskId": "x", "inputResponses": {}}, tasks=False)["error"]
            self.assertEqual(error["code"], -32021)
            self.assertIn(EXTENSION_ID, error["data"]["requiredCapabilities"]["extensions"])

    def test_removed_methods_are_not_found(self):
        for method in ("tasks/result", "tasks/list"):
            self.assertEqual(self.modern(self.secret_full, method, {"taskId": "x"})["error"]["code"], -32601)
