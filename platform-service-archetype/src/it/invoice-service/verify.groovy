// The generated project is where the archetype promised, and its tests ran.
File project = new File(basedir, "invoice-service")
assert new File(project, "src/main/java/com/example/billing/InvoiceService.java").isFile()
assert new File(project, "src/main/java/com/example/billing/impl/InvoiceEvents.java").isFile()
File reports = new File(project, "target/surefire-reports")
assert reports.isDirectory()
['InvoiceRepositoryTest', 'TenantIsolationTest', 'ActivateInvoiceWorkflowTest', 'InvoiceServiceTest',
 'InvoiceEventsTest'].each {
    assert new File(reports, "TEST-com.example.billing.${it}.xml").isFile() : "${it} did not run"
}
// The events go through the transactional outbox: no publish after the commit remains.
String events = new File(project, "src/main/java/com/example/billing/impl/InvoiceEvents.java").text
assert events.contains("outbox.record(") && !events.contains(".publish(") : "InvoiceEvents must record in the outbox"
// A new repository starts clean: the build output is ignored.
File gitignore = new File(project, ".gitignore")
assert gitignore.isFile() : "the generated project has no .gitignore"
assert gitignore.text.readLines().contains("target/")
String pom = new File(project, "pom.xml").text
assert pom.contains("<artifactId>platform-outbox</artifactId>")
assert !pom.contains("<parent>") : "the generated project must not inherit the SDK's parent"
assert pom.contains("<artifactId>platform-bom</artifactId>")
return true
