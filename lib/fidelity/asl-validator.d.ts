/** asl-validator 4.0.0 ships no type declarations; this is the part the fidelity stage uses. */
declare module "asl-validator" {
  interface AslError {
    readonly "Error code": string;
    readonly Message: string;
  }
  export default function validator(definition: object): {
    isValid: boolean;
    errors: AslError[];
  };
}
