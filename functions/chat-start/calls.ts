/** What the chat backend calls at run time (simulated by the AWS-fidelity stage). */
import {
  arn,
  FOREIGN_INSTANCE,
  type FunctionManifest,
  type RuntimeCall,
} from "../../lib/fidelity/manifest";

const flowArn = (instanceArn: string, flowId: string) => `${instanceArn}/contact-flow/${flowId}`;

export const manifests: FunctionManifest[] = [
  {
    entry: "functions/chat-start/index.ts",
    commands: {
      StartChatContactCommand: "connect:StartChatContact",
      GetParameterCommand: "ssm:GetParameter",
    },
    calls: (env, at) => {
      const own = arn.instance({ ...at, region: env.OWN_REGION }, env.OWN_INSTANCE_ID);
      const calls: RuntimeCall[] = [
        {
          action: "connect:StartChatContact",
          // Connect authorises StartChatContact on the flow the chat starts in (SAR: contact-flow).
          resource: flowArn(own, env.OWN_CONTACT_FLOW_ID),
          why: "start a chat on this region's instance",
        },
      ];
      // SSM decrypts the SecureString on the function's behalf: the fidelity stage derives
      // that KMS call from the parameter (lib/fidelity/simulate.ts, impliedKmsCalls).
      if (env.TARGET_PARAMETER_ARN)
        calls.push({
          action: "ssm:GetParameter",
          resource: env.TARGET_PARAMETER_ARN,
          why: "read the active chat target",
        });
      return calls;
    },
    denied: (env, at) => [
      {
        action: "connect:StartChatContact",
        resource: flowArn(
          arn.instance({ ...at, region: env.OWN_REGION }, FOREIGN_INSTANCE),
          env.OWN_CONTACT_FLOW_ID,
        ),
        why: "a chat on an instance this program does not own",
      },
    ],
  },
];
