import { readFileSync } from 'node:fs';
import { App, type CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../infra/build-app.ts';
import type { ReelayStack } from '../../infra/reelay-stack.ts';

/** The context `cdk synth` starts from: cdk.json's defaults and feature flags. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

export interface Built {
  app: App;
  stack: ReelayStack;
  template: Template;
}

/**
 * The stack as `cdk synth` builds it from cdk.json plus `context` overrides, for template
 * assertions. Three slow steps are left to the tests that are about them: bundling
 * (bundle-budget, synth), cdk-nag and the built-in CloudFormation validation (nag, synth),
 * whose WebAssembly engine takes seconds to start in every test file.
 */
export function buildStack(context: Record<string, unknown> = {}): Built {
  const app = new App({
    context: { ...CDK_JSON_CONTEXT, ...context, 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });
  const stack = buildApp(app, { checks: false });
  return { app, stack, template: Template.fromStack(stack) };
}

/** The logical id CloudFormation will know a construct (or its default child) by. */
export function logicalId(construct: IConstruct): string {
  const stack = Stack.of(construct);
  const cfn = (construct.node.defaultChild ?? construct) as CfnResource;
  return stack.resolve(stack.getLogicalId(cfn)) as string;
}

export type Json = Record<string, unknown>;

/** A resource's Properties by logical id. */
export function propertiesOf(template: Template, id: string): Json {
  const resource = (template.toJSON().Resources as Record<string, { Properties: Json }>)[id];
  if (!resource) throw new Error(`no resource ${id}`);
  return resource.Properties;
}

/** `{ 'Fn::GetAtt': [id, attribute] }` */
export const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });
