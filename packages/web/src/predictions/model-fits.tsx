import { Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { PredictionFit, PredictionsOverview } from '@tandem/contract';
import { formatDate } from '../shared/format-date';
import { formatNumber } from './predictions-api';

/** The two fitted models, each explained in plain words with its parameters. */
export function ModelFits({ overview }: { overview: PredictionsOverview }) {
  const unit = overview.settings.timeUnit;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <ModelCard
        title="Purchases and P(alive) — BG/NBD"
        explanation={`While a customer is active they buy at their own steady rate; after each purchase they may
          drop out for good. r and alpha describe how purchase rates vary between customers (mean rate
          r/alpha per ${unit}); a and b describe how likely people are to drop out after a purchase
          (mean a/(a+b)).`}
        fit={overview.bgNbd}
        fittedAt={overview.fittedAt}
        missing="Needs customers with at least two orders on different days."
      />
      <ModelCard
        title="Spend per order — Gamma-Gamma"
        explanation="Each customer has their own typical order value; the model learns how order values vary within
          and between customers from repeat buyers, so a customer's expected spend blends their own
          average with everyone's (mean p·gamma/(q−1))."
        fit={overview.gammaGamma}
        fittedAt={overview.fittedAt}
        missing="Needs a value property and repeat buyers with positive order values."
      />
    </SimpleGrid>
  );
}

/** Four significant figures, in exponent form when very large or small. */
const formatParameter = (value: number) =>
  value !== 0 && (Math.abs(value) >= 1e5 || Math.abs(value) < 1e-3)
    ? value.toExponential(3)
    : formatNumber(value, 4);

function ModelCard(props: {
  title: string;
  explanation: string;
  fit: PredictionFit | null;
  fittedAt: string | null;
  missing: string;
}) {
  return (
    <Paper withBorder p="md" component="section" aria-label={props.title}>
      <Stack gap="xs">
        <Title order={5}>{props.title}</Title>
        <Text size="sm" c="dimmed">
          {props.explanation}
        </Text>
        {props.fit && Object.values(props.fit.params).some((v) => v > 1e4 || v < 1e-4) ? (
          <Text size="sm" c="orange" role="note">
            A parameter sits at an extreme: the orders so far barely constrain this model (for instance every
            customer always spends the same). Treat its numbers as rough until more orders arrive.
          </Text>
        ) : null}
        {props.fit ? (
          <Table fz="sm" verticalSpacing={4} aria-label={`${props.title} parameters`}>
            <Table.Tbody>
              {Object.entries(props.fit.params).map(([name, value]) => (
                <Table.Tr key={name}>
                  <Table.Td>{name}</Table.Td>
                  <Table.Td ta="right">{formatParameter(value)}</Table.Td>
                </Table.Tr>
              ))}
              <Table.Tr>
                <Table.Td>Log-likelihood</Table.Td>
                <Table.Td ta="right">{formatNumber(props.fit.logLikelihood, 1)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td>Customers</Table.Td>
                <Table.Td ta="right">{props.fit.customers.toLocaleString('en-US')}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td>Fitted</Table.Td>
                <Table.Td ta="right">{props.fittedAt ? formatDate(props.fittedAt) : '—'}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        ) : (
          <Text size="sm">Not fitted. {props.missing}</Text>
        )}
      </Stack>
    </Paper>
  );
}
