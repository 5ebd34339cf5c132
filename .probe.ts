import { loadAwsServiceSpec } from "@aws-cdk/aws-service-spec";
(async () => {
  const db = await loadAwsServiceSpec();
  for (const t of ["AWS::Connect::IntegrationAssociation", "AWS::Connect::Rule", "AWS::Connect::ApprovedOrigin", "AWS::Lex::ResourcePolicy"]) {
    const r = db.lookup("resource", "cloudFormationType", "equals", t).only();
    console.log(t, JSON.stringify(r.properties).slice(0, 700));
  }
  const r = db.lookup("resource", "cloudFormationType", "equals", "AWS::Lex::BotAlias").only();
  const td = db.follow("usesType", r).map((x: any) => x.entity);
  console.log(JSON.stringify(td[0]).slice(0, 800));
})();
