import { App } from 'aws-cdk-lib';
import { buildApp } from './build-app.ts';

// context (stage, alarmEmail, monthlyBudgetUsd, …) comes from cdk.json and `-c name=value`
buildApp(new App());
